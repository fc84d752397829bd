import { allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_RESET_WINDOW_MS, DEFAULT_REVIEW_SLA_MS, type KycProfileInput, type KycStatusDto } from '../domain/kyc-profile.js';
import { localStatusOf, statusOfStage } from '../domain/kyc-profile.js';
import { agentUidOf, kycRecordIdOf } from '../domain/ids.js';
import { LIVENESS_SESSION_TTL_MS } from '../domain/liveness.js';
import { canMoveTo, isFinalStage, type KycStage } from '../domain/kyc-stage.js';
import { emptyReviewState } from '../domain/review.js';
import type { ReadModelActivities } from '../activities/read-model.activities.js';
import type { WebhookActivities, WebhookEvent } from '../activities/webhook.activities.js';
import { registerDocumentStep } from './kyc-profile/document-step.js';
import { registerLivenessStep } from './kyc-profile/liveness-step.js';
import { runProviderCheck } from './kyc-profile/provider-step.js';
import { registerReviewStep, type ReviewStep } from './kyc-profile/review-step.js';
import { registerScreeningStep, RESCREEN_PATCH } from './kyc-profile/screening-step.js';
import { screeningBlocksApproval } from '../domain/screening.js';
import { awaitPublishedUpdate, getStatusQuery } from './kyc-profile.messages.js';
import { CountryKey, KycStatusKey, ReviewOverdueKey, UserIdKey } from './search-attributes.js';

const PROJECTION_OPTIONS = { startToCloseTimeout: '10 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } } as const;
const { saveKycProfile } = proxyActivities<ReadModelActivities>(PROJECTION_OPTIONS);
// Since 'local-projection' the snapshot is written by a local activity: by the workflow worker,
// inside the workflow task, so an Update (submit's Update-with-Start first of all) answers without
// an activity task's round trip through the server.
const { saveKycProfile: saveKycProfileLocally } = proxyLocalActivities<ReadModelActivities>(PROJECTION_OPTIONS);

// Receivers may be down for a while: keep retrying with backoff, in the background.
const { deliverWebhook } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 50 },
});

// The workflow sandbox replaces Date with the workflow task's time, so this is deterministic.
const now = (): string => new Date().toISOString();

/**
 * One KYC profile from creation to a final decision. Temporal's history is the audit trail; the
 * read model in MongoDB is a projection written after every change.
 */
export async function kycProfileWorkflow(input: KycProfileInput): Promise<KycStatusDto> {
  let version = input.resume?.version ?? 0;
  let written = 0; // the newest version the read model is known to hold
  const createdAt = now();
  // A snapshot from before the decision model has no review state.
  const status: KycStatusDto = input.resume ? { ...input.resume.status, review: input.resume.status.review ?? emptyReviewState() } : {
    profileId: input.profileId,
    recordId: kycRecordIdOf(input.profileId),
    agentUid: agentUidOf(input.userId, createdAt, input.profileId),
    userId: input.userId,
    country: input.country,
    stage: 'DOCUMENT',
    status: statusOfStage('DOCUMENT'),
    document: null,
    liveness: null,
    faceMatch: null,
    provider: null,
    reviewReasons: [],
    decisions: [],
    reviewOverdue: false,
    failReason: null,
    resubmission: null,
    review: emptyReviewState(),
    createdAt,
    updatedAt: createdAt,
  };

  setHandler(getStatusQuery, () => status);
  setHandler(awaitPublishedUpdate, async () => {
    await condition(() => written > 0);
    return status;
  });

  /** Every stage change goes through here, checked against domain's transition table. */
  async function moveTo(stage: KycStage, by: string | null = null): Promise<void> {
    const from = status.stage;
    // A step that lost a race (the profile expired or was reset meanwhile) is refused, not applied.
    if (!canMoveTo(from, stage)) throw ApplicationFailure.create({ message: `the profile cannot move from ${from} to ${stage}`, type: 'StepRefused', nonRetryable: true });
    review.beforeMove(stage);
    status.stage = stage;
    status.status = localStatusOf(stage, status.resubmission);
    status.updatedAt = now();
    status.review.log.push({ at: status.updatedAt, by, event: 'STAGE', detail: `${from} → ${stage}` });
    await publish();
    notify('kyc.status.changed', { stage, status: status.status });
  }

  // Outbound webhooks run in the background (a slow receiver must not hold the profile up); the
  // workflow waits for them before it closes. Gated by a patch: older histories have none.
  const deliveries: Promise<void>[] = [];
  function notify(type: WebhookEvent['type'], data: Record<string, unknown>): void {
    if (!patched('outbound-webhooks')) return;
    const event = { eventId: `${workflowInfo().workflowId}:${version}:${type}`, type, occurredAt: now(), data: { profileId: input.profileId, userId: input.userId, ...data } };
    deliveries.push(deliverWebhook(event).catch(() => undefined)); // exhausted retries stay visible in history
  }

  async function publish(): Promise<void> {
    upsertSearchAttributes([{ key: KycStatusKey, value: status.stage }]);
    const next = ++version;
    const save = patched('local-projection') ? saveKycProfileLocally : saveKycProfile;
    await save({ version: next, status, final: isFinalStage(status.stage) });
    written = Math.max(written, next);
  }

  const review: ReviewStep = registerReviewStep({
    status, moveTo, publish, now,
    notifyDecision: ({ remark: _internal, userMessage: _text, ...decision }) => notify('kyc.decision', decision),
    approvalRefusal: () => screeningBlocksApproval(status.screening),
  });
  let screening: ReturnType<typeof registerScreeningStep> | null = null;
  const liveness = registerLivenessStep({
    status, moveTo, publish, now,
    sessionTtlMs: input.livenessSessionTtlMs ?? LIVENESS_SESSION_TTL_MS,
    maxAttempts: input.livenessAttempts ?? 3,
    resubmission: review.resubmission,
    extraReviewReasons: () => screening?.reviewReasons() ?? null,
  });
  registerDocumentStep({
    stage: () => status.stage,
    document: () => status.document,
    setDocument: (doc) => void (status.document = doc),
    moveTo,
    now,
    // A document resubmitted after a RETRY is matched to the selfie already taken, when there is one.
    stageAfterSubmit: () => (review.openRetryStep() === 'DOCUMENT' && liveness.canReuseSelfie() ? 'FACE_MATCH' : 'LIVENESS'),
  });

  // Sanctions screening and duplicate checks, run at the liveness decision; profiles started before
  // it existed are not screened.
  screening = patched('sanctions-screening') ? registerScreeningStep({ status, moveTo, publish, notify, now, resumed: !!input.resume }) : null;

  upsertSearchAttributes([
    { key: UserIdKey, value: input.userId },
    { key: CountryKey, value: input.country },
  ]);
  await publish();

  // The user's steps must be done within the TTL; the checks after them are not the user's to rush.
  const userStepsDone = () => status.stage === 'PROVIDER_CHECK' || status.stage === 'MANUAL_REVIEW' || isFinalStage(status.stage);
  if (!(await condition(userStepsDone, input.ttlMs))) await moveTo('EXPIRED');
  if (status.stage === 'PROVIDER_CHECK') await runProviderCheck({ status, moveTo, now }, input.providerPolicy);
  await awaitOutcome();
  // A decided profile stays open for a while so an admin can reset it to review.
  if (patched('admin-reset-window') && (status.stage === 'APPROVED' || status.stage === 'REJECTED')) {
    while (await condition(() => !isFinalStage(status.stage), input.resetWindowMs ?? DEFAULT_RESET_WINDOW_MS)) await awaitOutcome();
  }
  await Promise.all(deliveries);
  await condition(allHandlersFinished); // let an update in flight answer before the workflow closes
  return status;

  /** Manual review until a final decision; each RETRY sends the user back, then the case returns. */
  async function awaitOutcome(): Promise<void> {
    await awaitDecision();
    while (review.retryOpen()) {
      await awaitResubmission();
      await awaitDecision();
    }
  }

  /** Manual review: an admin decides; past the SLA the case is flagged (never decided by time). */
  async function awaitDecision(): Promise<void> {
    if (isFinalStage(status.stage)) return;
    const decided = () => isFinalStage(status.stage) || review.retryOpen();
    if (patched('review-sla') && !(await condition(decided, input.reviewSlaMs ?? DEFAULT_REVIEW_SLA_MS))) {
      status.reviewOverdue = true;
      upsertSearchAttributes([{ key: ReviewOverdueKey, value: true }]);
      await publish();
      notify('kyc.review.overdue', { stage: status.stage });
    }
    await condition(decided);
  }

  /** The user redoes the step within the profile's TTL; the case then goes back to review. */
  async function awaitResubmission(): Promise<void> {
    const back = () => status.stage === 'MANUAL_REVIEW' || status.stage === 'FACE_MATCH' || isFinalStage(status.stage);
    if (!(await condition(back, input.ttlMs))) return moveTo('EXPIRED');
    if (status.stage === 'FACE_MATCH') {
      await liveness.rematchFace();
      const reasons = liveness.reviewReasons('resubmitted after RETRY of the document; matched to the earlier selfie');
      // The new document is screened like the first (sanctions, blocklist, duplicates): a RETRY is no way round them.
      const screeningReasons = screening && patched(RESCREEN_PATCH) ? await screening.reviewReasons() : [];
      if (isFinalStage(status.stage)) return; // a blocklisted document or face rejected it
      status.reviewReasons = [...reasons, ...screeningReasons];
      await moveTo('MANUAL_REVIEW');
    }
    if (status.stage === 'MANUAL_REVIEW' && status.reviewOverdue) {
      status.reviewOverdue = false; // a fresh wait in the queue
      upsertSearchAttributes([{ key: ReviewOverdueKey, value: false }]);
      await publish();
    }
  }
}
