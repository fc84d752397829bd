import type { KycDocument } from './kyc-document.js';
import type { FaceMatchSummary, LivenessState } from './liveness.js';
import type { ScreeningState } from './screening.js';
import { STAGE_TABLE, type KycStage, type LocalKycStatus } from './kyc-stage.js';
import type { RejectReasonCode, Resubmission, RetryStep, ReviewerRole, ReviewState } from './review.js';

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
  /** Manual review is flagged overdue after this long (default 48 h). */
  reviewSlaMs?: number;
  /** A decided profile stays open this long for an admin reset (default 7 days). */
  resetWindowMs?: number;
  /** Liveness session lifetime (seed 003: five minutes; shorter only in tests). */
  livenessSessionTtlMs?: number;
  /** Failed liveness sessions allowed before manual review (default 3). */
  livenessAttempts?: number;
  /**
   * Reopens a closed profile where it stood (monitoring found a new screening hit on an approved
   * customer): the run starts from this snapshot of the read model instead of a new profile.
   */
  resume?: { status: KycStatusDto; version: number };
}

export const DEFAULT_REVIEW_SLA_MS = 48 * 3_600_000;
export const DEFAULT_RESET_WINDOW_MS = 7 * 24 * 3_600_000;

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
  /** Sanctions / PEP screening of the confirmed identity and its hits (absent in older histories). */
  screening?: ScreeningState | null;
  /** Admin decisions, oldest first (who, what, when, why). */
  decisions: AdminDecision[];
  /** Manual review has waited longer than its SLA. */
  reviewOverdue: boolean;
  /** The provider's (or the reviewer's) reason for a rejection: seed 000 `fail_reason`. */
  failReason: string | null;
  /** A reviewer's RETRY the user has still to do (the step and what to fix); null otherwise. */
  resubmission: Resubmission | null;
  /** Internal: claims, four-eyes approvals, notes, the review log. Never shown to the user. */
  review: ReviewState;
  createdAt: string;
  updatedAt: string;
}

export const statusOfStage = (stage: KycStage): LocalKycStatus => STAGE_TABLE[stage].local;

/** While the user owes a RETRY, seed 000 reads the profile as `rejected` (with `fail_reason` saying what to fix). */
export const localStatusOf = (stage: KycStage, resubmission: Resubmission | null): LocalKycStatus =>
  resubmission ? 'rejected' : statusOfStage(stage);

/** Seed 003 `update-status` values: -1 reject, 0 reset to review, 2 approve. */
export const ADMIN_DECISIONS = { REJECT: -1, RESET: 0, APPROVE: 2 } as const;
export type AdminDecisionStatus = (typeof ADMIN_DECISIONS)[keyof typeof ADMIN_DECISIONS];

export interface AdminDecision {
  adminId: string;
  /** Seed 003 value: -1 for a rejection (FINAL or RETRY), 0 reset, 2 approve. */
  status: AdminDecisionStatus;
  /** The reviewer's internal comment. */
  remark: string | null;
  at: string;
  // Set by the decision model (absent in decisions made through the legacy signal):
  kind?: 'APPROVE' | 'REJECT_FINAL' | 'REJECT_RETRY' | 'RESET';
  role?: ReviewerRole;
  reasonCode?: RejectReasonCode | null;
  step?: RetryStep | null;
  /** What the user is told (`fail_reason`). */
  userMessage?: string | null;
  /** Four eyes: who gave the first approval this one confirms. */
  confirms?: string | null;
}

/** Why a decision does not fit the profile's stage, or null when it does. */
export function decisionRefusal(stage: KycStage, status: AdminDecisionStatus): string | null {
  if (status === ADMIN_DECISIONS.RESET) {
    return stage === 'APPROVED' || stage === 'REJECTED' || stage === 'MANUAL_REVIEW' ? null : `only a decided profile or one in review can be reset (stage: ${stage})`;
  }
  return stage === 'MANUAL_REVIEW' ? null : `only a profile in manual review can be approved or rejected (stage: ${stage}); reset it first if it was decided`;
}
