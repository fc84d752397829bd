// Erasure, retention and legal hold. Imported by workflow code: no libraries here.
import { statusOfStage, type KycStatusDto } from './kyc-profile.js';
import { isFinalStage, type KycStage } from './kyc-stage.js';
import { emptyReviewState } from './review.js';

/** Why data is erased (GDPR art. 17 grounds, and the storage-limitation rule for retention). */
export const REQUESTABLE_LEGAL_BASES = ['data_subject_request', 'consent_withdrawn', 'unlawful_processing', 'legal_obligation'] as const;
export const LEGAL_BASES = [...REQUESTABLE_LEGAL_BASES, 'retention_policy'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const dataErasureWorkflowId = (erasureId: string): string => `data-erasure:${erasureId}`;
/**
 * An admin's erasure of a user runs under one id per user, so requests that arrive together join
 * the one running erasure instead of each starting (and logging) their own.
 */
export const userErasureWorkflowId = (userId: string): string => `data-erasure:user:${userId}`;
/** One delivery workflow per outbound event: its id is the event id, so an event is delivered once. */
export const webhookDeliveryWorkflowId = (eventId: string): string => `webhook:${eventId}`;
export const RETENTION_SCHEDULE_ID = 'retention-sweep';

/**
 * What an erasure covers: `user` everything held on a user; `profile` one profile (a rejected or
 * expired attempt whose retention ended); `files` only a decided profile's images and videos.
 */
export type ErasureScope = 'user' | 'profile' | 'files';

export interface ErasureRequest {
  erasureId: string;
  scope: ErasureScope;
  userId: string;
  /** Required for `profile` and `files`; ignored for `user`. */
  profileId: string | null;
  /** An admin's user id, or `retention-sweep`. */
  requestedBy: string;
  legalBasis: LegalBasis;
  note: string | null;
  /** An admin lifted the legal hold of an approved customer, saying why. */
  legalHoldOverride: { reason: string } | null;
}

export interface ErasureResult {
  erasureId: string;
  scope: ErasureScope;
  userId: string;
  profileIds: string[];
  /** Records erased or redacted, by store. */
  erased: Record<string, number>;
  dataKeysDestroyed: number;
  workflowsTerminated: number;
  /** Histories sealed before data keys existed cannot be shredded, so they are deleted. */
  workflowsDeleted: number;
  completedAt: string;
}

/** Stages a profile ends in without a customer relationship: erased after the shorter period. */
export const UNSUCCESSFUL_STAGES: readonly KycStage[] = ['REJECTED', 'EXPIRED', 'CANCELLED'];
/** Decided (final) stages: their files may go before the record does. */
export const DECIDED_STAGES: readonly KycStage[] = ['APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'];

export interface RetentionPolicy {
  /** Rejected, expired and cancelled profiles: erased this many days after they ended. */
  unsuccessfulDays: number;
  /** Approved customers: erased this many years after the relationship ended. */
  approvedYears: number;
  /** Images and videos of a decided profile: deleted this many days after the decision. */
  filesDays: number;
}

/** The three retention rules, each swept in pages of profiles by id. */
export const RETENTION_CATEGORIES = ['unsuccessful', 'approved', 'files'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

export interface RetentionSweepInput {
  policy: RetentionPolicy;
  /** Count and list what is due, erase nothing. */
  dryRun: boolean;
  pageSize: number;
  /** Where a sweep that continued as new goes on. */
  resume?: { nowMs: number; category: number; after: string | null; progress: RetentionSweepProgress };
}

export interface CategoryProgress {
  /** Due by the policy (in a dry run: would be erased). */
  found: number;
  erased: number;
  failed: number;
  /** Approved customers still under legal hold because of later activity. */
  held: number;
  /** The first ids found (profile ids; user ids for approved customers), for ops to check a dry run. */
  sample: string[];
}

export interface RetentionSweepProgress {
  dryRun: boolean;
  startedAt: string;
  cutoffs: RetentionCutoffs;
  pages: number;
  categories: Record<RetentionCategory, CategoryProgress>;
  /** Erasures of the last two days done again (for writes of activities that were still running). */
  lateWrites: { erasures: number; erased: number };
  finishedAt: string | null;
}

const DAY_MS = 86_400_000;

export interface RetentionCutoffs {
  unsuccessfulBefore: string;
  approvedBefore: string;
  filesBefore: string;
}

/** Everything that ended before these instants is due. */
export function retentionCutoffs(policy: RetentionPolicy, nowMs: number): RetentionCutoffs {
  const yearsAgo = new Date(nowMs);
  yearsAgo.setUTCFullYear(yearsAgo.getUTCFullYear() - policy.approvedYears);
  return {
    unsuccessfulBefore: new Date(nowMs - policy.unsuccessfulDays * DAY_MS).toISOString(),
    approvedBefore: yearsAgo.toISOString(),
    filesBefore: new Date(nowMs - policy.filesDays * DAY_MS).toISOString(),
  };
}

export interface LegalHold {
  until: string;
  reason: string;
}

/**
 * Anti-money-laundering rules keep an approved customer's records for `approvedYears` after the
 * relationship ended (its last recorded activity). Null when nothing holds the user's data.
 */
export function legalHoldOf(approved: boolean, relationshipEndedAt: string | null, approvedYears: number, nowMs: number): LegalHold | null {
  if (!approved || !relationshipEndedAt) return null;
  const until = new Date(relationshipEndedAt);
  until.setUTCFullYear(until.getUTCFullYear() + approvedYears);
  if (until.getTime() <= nowMs) return null;
  return {
    until: until.toISOString(),
    reason: `approved customer: records are kept ${approvedYears} years after the relationship ended (last activity ${relationshipEndedAt}), until ${until.toISOString()}`,
  };
}

/**
 * What the law lets us keep of an erased profile: ids, stages, dates, decisions and their reasons.
 * The document, liveness and face-match data (names, numbers, dates of birth, images, biometrics)
 * are gone.
 */
export function redactedStatus(status: KycStatusDto, erasedAt: string): KycStatusDto & { erasedAt: string } {
  return {
    profileId: status.profileId,
    recordId: status.recordId,
    agentUid: status.agentUid,
    userId: status.userId,
    country: status.country,
    // A profile erased before its decision ends there (nothing is left to decide it on): out of the
    // review queue, and the user's app no longer told it is in progress.
    ...(isFinalStage(status.stage) ? { stage: status.stage, status: status.status } : { stage: 'CANCELLED' as const, status: statusOfStage('CANCELLED') }),
    document: null,
    liveness: null,
    faceMatch: null,
    provider: status.provider,
    reviewReasons: status.reviewReasons,
    decisions: status.decisions,
    reviewOverdue: isFinalStage(status.stage) && status.reviewOverdue,
    failReason: status.failReason,
    resubmission: null,
    // The review log and attempts stay (ids, stages, dates); notes are reviewers' free text about the person.
    review: { ...emptyReviewState(), attempts: status.review?.attempts ?? emptyReviewState().attempts, log: status.review?.log ?? [] },
    createdAt: status.createdAt,
    updatedAt: status.updatedAt,
    erasedAt,
  };
}
