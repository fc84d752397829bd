import type { KycDocument } from './kyc-document.js';
import type { FaceMatchSummary, LivenessState } from './liveness.js';
import { STAGE_TABLE, type KycStage, type LocalKycStatus } from './kyc-stage.js';

// Imported by workflow code: keep this module free of libraries (the worker bundles it).

/** What the profile workflow starts with. Durations are decided by the API (config), not the workflow. */
export interface KycProfileInput {
  profileId: string;
  userId: string;
  country: string;
  /** How long an unfinished profile stays open before it expires. */
  ttlMs: number;
  /** Provider status polling (absent in histories from before it existed: defaults apply). */
  providerPolicy?: ProviderPolicy;
}

export interface ProviderCheck {
  name: 'vexora';
  submittedAt: string;
  decidedAt: string | null;
  outcome: 'APPROVED' | 'REJECTED' | 'DEADLINE' | 'UNDER_REVIEW_TOO_LONG' | null;
  polls: number;
}

export interface ProviderPolicy {
  initialPollMs: number;
  maxPollMs: number;
  /** No decision by then: manual review. */
  deadlineMs: number;
  /** "Under review" for longer than this: manual review. */
  underReviewMaxMs: number;
}

export const DEFAULT_PROVIDER_POLICY: ProviderPolicy = {
  initialPollMs: 5_000,
  maxPollMs: 10 * 60_000,
  deadlineMs: 72 * 3_600_000,
  underReviewMaxMs: 24 * 3_600_000,
};

/**
 * Seed 003 `KycStatusDto`, the `data.status` of `GET /status/{profileId}`. The document, liveness
 * and face-match slots are filled by later stages and are null until then.
 */
export interface KycStatusDto {
  profileId: string;
  /** Seed 000 `latest_kyc.id` and `agent_uid`. */
  recordId: number;
  agentUid: string;
  userId: string;
  country: string;
  stage: KycStage;
  status: LocalKycStatus;
  document: KycDocument | null;
  liveness: LivenessState | null;
  faceMatch: FaceMatchSummary | null;
  /** The external provider's check (Vexora), once started. */
  provider: ProviderCheck | null;
  /** Why the automatic checks sent the profile to manual review. */
  reviewReasons: string[];
  /** The provider's (or the reviewer's) reason for a rejection: seed 000 `fail_reason`. */
  failReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export const statusOfStage = (stage: KycStage): LocalKycStatus => STAGE_TABLE[stage].local;
