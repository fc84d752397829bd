import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { PayloadErasedError, type DataKeyRing } from '../codec/data-keys.js';
import { HttpError, notFound } from './http-error.js';

/**
 * Turns the errors of a workflow call into answers: a step the workflow's validator refused is a
 * 409 with the validator's reason; a workflow that does not exist (or has closed) is a 404.
 */
export async function callWorkflow<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) throw notFound(what);
    if (err instanceof PayloadErasedError) throw new HttpError(410, `this ${what}'s data was erased`);
    throw err;
  }
}

/**
 * The call's answer, or null when it failed because the workflow's data key was destroyed (its
 * subject erased: the history can no longer be read). The key is asked only on failure.
 */
export async function unlessErased<T>(dataKeys: Pick<DataKeyRing, 'erasedAt'>, workflowId: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (await dataKeys.erasedAt(workflowId)) return null;
    throw err;
  }
}

export const isRefusedStep = (err: unknown): boolean => err instanceof HttpError && err.statusCode === 409;
