import { defaultGrpcRetryOptions, isGrpcServiceError, makeGrpcRetryInterceptor, WorkflowUpdateRPCTimeoutOrCancelledError, type ConnectionOptions } from '@temporalio/client';
import { HttpError } from './http-error.js';

/**
 * When Temporal or MongoDB cannot be reached (a restart, a network blip), requests are refused with
 * a clean, retryable 503 and `Retry-After`, never a 500: the client tries again, and every write
 * path is idempotent (the active-profile claim, Update-with-Start by workflow id, Idempotency-Key).
 */
export const RETRY_AFTER_SECONDS = 2;

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
// An Update reaching a workflow whose task just failed (e.g. timed out on an overloaded worker) is
// refused until the server has retried that task: transient, so retryable like an outage.
const WORKFLOW_TASK_FAILED = /Workflow Task in failed state/i;
const MONGO_UNREACHABLE = new Set(['MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoTopologyClosedError', 'MongoNotConnectedError']);

/** Does `err`, or anything in its cause chain, say a backing service could not be reached? */
export function isUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) return true;
    if (isGrpcServiceError(e) && WORKFLOW_TASK_FAILED.test(`${e.message} ${e.details ?? ''}`)) return true;
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (MONGO_UNREACHABLE.has(e.name)) return true;
  }
  return false;
}

export const unavailable = () => new HttpError(503, 'the service is briefly unavailable; retry shortly', undefined, `retry after ${RETRY_AFTER_SECONDS} s`);

/**
 * The API's Temporal connection: transient gRPC errors are retried for about three seconds (the
 * SDK's default tries for about twenty), then the request is answered 503 rather than held open.
 */
export const temporalConnectionOptions = (address: string): ConnectionOptions => ({
  address,
  interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 7 }))],
});
