import { proxyActivities } from '@temporalio/workflow';
import type { ErasureActivities } from '../activities/erasure.activities.js';
import type { WebhookEvent } from '../activities/webhook.activities.js';
import type { ErasureRequest, ErasureResult } from '../domain/data-protection.js';

const erasure = proxyActivities<ErasureActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});


/**
 * Erases a data subject: stops its workflows, erases or redacts every store (erasure registry),
 * destroys the data keys of its workflows (their histories become unreadable), logs it, and
 * announces `kyc.profile.erased` for each profile. Every step is idempotent and retried. (The daily
 * retention sweep repeats the store erasure of recent erasures, for writes of activities still running.)
 */
export async function dataErasureWorkflow(request: ErasureRequest): Promise<ErasureResult> {
  const subject = await erasure.prepareErasure(request);
  const { erasureId } = request;
  const stopped = subject.workflowIds.length
    ? await erasure.stopSubjectWorkflows({ workflowIds: subject.workflowIds, reason: `data erased (${erasureId}, ${request.legalBasis})` })
    : { terminated: 0, deleted: 0 };
  const erased = await erasure.eraseSubjectStores({ subject, erasureId });
  const dataKeysDestroyed = subject.workflowIds.length ? await erasure.destroyDataKeys({ workflowIds: subject.workflowIds, erasureId }) : 0;
  const result: ErasureResult = {
    erasureId,
    scope: request.scope,
    userId: request.userId,
    profileIds: subject.profileIds,
    erased,
    dataKeysDestroyed,
    workflowsTerminated: stopped.terminated,
    workflowsDeleted: stopped.deleted,
    completedAt: new Date().toISOString(),
  };
  await erasure.closeErasure(result);
  if (request.scope !== 'files' && subject.profileIds.length) {
    await erasure.announce(subject.profileIds.map((profileId) => erasedEvent(request, profileId, result.completedAt)));
  }
  return result;
}

/** No PII in the event: ids, the scope and the legal basis. */
const erasedEvent = (request: ErasureRequest, profileId: string, occurredAt: string): WebhookEvent => ({
  eventId: `${request.erasureId}:${profileId}:kyc.profile.erased`,
  type: 'kyc.profile.erased',
  occurredAt,
  data: { profileId, userId: request.userId, erasureId: request.erasureId, scope: request.scope, legalBasis: request.legalBasis },
});
