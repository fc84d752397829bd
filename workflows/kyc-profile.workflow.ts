import { allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { KycProfileInput, KycStatusDto } from '../domain/kyc-profile.js';
import { statusOfStage } from '../domain/kyc-profile.js';
import { agentUidOf, kycRecordIdOf } from '../domain/ids.js';
import { isFinalStage, type KycStage } from '../domain/kyc-stage.js';
import type { ReadModelActivities } from '../activities/read-model.activities.js';
import { registerDocumentStep } from './kyc-profile/document-step.js';
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
    failReason: null,
    createdAt,
    updatedAt: createdAt,
  };

  setHandler(getStatusQuery, () => status);
  setHandler(awaitPublishedUpdate, async () => {
    await condition(() => version > 0);
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
    version += 1;
    await saveKycProfile({ version, status, final: isFinalStage(status.stage) });
  }

  registerDocumentStep({
    stage: () => status.stage,
    document: () => status.document,
    setDocument: (doc) => void (status.document = doc),
    moveTo,
    now,
  });

  upsertSearchAttributes([
    { key: UserIdKey, value: input.userId },
    { key: CountryKey, value: input.country },
  ]);
  await publish();

  const finished = await condition(() => isFinalStage(status.stage), input.ttlMs);
  if (!finished) await moveTo('EXPIRED');
  await condition(allHandlersFinished); // let an update in flight answer before the workflow closes
  return status;
}
