import { allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { KycProfileInput, KycStatusDto } from '../domain/kyc-profile.js';
import { statusOfStage } from '../domain/kyc-profile.js';
import { agentUidOf, kycRecordIdOf } from '../domain/ids.js';
import { isFinalStage, type KycStage } from '../domain/kyc-stage.js';
import type { ReadModelActivities } from '../activities/read-model.activities.js';
import { registerDocumentStep } from './kyc-profile/document-step.js';
import { registerLivenessStep } from './kyc-profile/liveness-step.js';
import { runProviderCheck } from './kyc-profile/provider-step.js';
import { awaitPublishedUpdate, getStatusQuery } from './kyc-profile.messages.js';
import { CountryKey, KycStatusKey, UserIdKey } from './search-attributes.js';

const { saveKycProfile } = proxyActivities<ReadModelActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// The workflow sandbox replaces Date with the workflow task's time, so this is deterministic.
const now = (): string => new Date().toISOString();

/**
 * One KYC profile from creation to a final decision. Temporal's history is the audit trail; the
 * read model in MongoDB is a projection written after every change.
 */
export async function kycProfileWorkflow(input: KycProfileInput): Promise<KycStatusDto> {
  let version = 0;
  let written = 0; // the newest version the read model is known to hold
  const createdAt = now();
  const status: KycStatusDto = {
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
    failReason: null,
    createdAt,
    updatedAt: createdAt,
  };

  setHandler(getStatusQuery, () => status);
  setHandler(awaitPublishedUpdate, async () => {
    await condition(() => written > 0);
    return status;
  });

  async function moveTo(stage: KycStage): Promise<void> {
    status.stage = stage;
    status.status = statusOfStage(stage);
    status.updatedAt = now();
    await publish();
  }

  async function publish(): Promise<void> {
    upsertSearchAttributes([{ key: KycStatusKey, value: status.stage }]);
    const next = ++version;
    await saveKycProfile({ version: next, status, final: isFinalStage(status.stage) });
    written = Math.max(written, next);
  }

  registerDocumentStep({
    stage: () => status.stage,
    document: () => status.document,
    setDocument: (doc) => void (status.document = doc),
    moveTo,
    now,
  });

  registerLivenessStep({ status, moveTo, publish, now });

  upsertSearchAttributes([
    { key: UserIdKey, value: input.userId },
    { key: CountryKey, value: input.country },
  ]);
  await publish();

  // The user's steps must be done within the TTL; the checks after them are not the user's to rush.
  const userStepsDone = () => status.stage === 'PROVIDER_CHECK' || status.stage === 'MANUAL_REVIEW' || isFinalStage(status.stage);
  if (!(await condition(userStepsDone, input.ttlMs))) await moveTo('EXPIRED');
  if (status.stage === 'PROVIDER_CHECK') await runProviderCheck({ status, moveTo, now }, input.providerPolicy);
  await condition(() => isFinalStage(status.stage)); // manual review: an admin decides
  await condition(allHandlersFinished); // let an update in flight answer before the workflow closes
  return status;
}
