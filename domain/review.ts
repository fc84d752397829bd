// The manual-review decision model (README "Manual review"). Imported by workflow code: no libraries.
import type { KycStatusDto } from './kyc-profile.js';
import type { KycStage } from './kyc-stage.js';
import { screeningBlocksApproval } from './screening.js';

/** Back-office roles; `admin` is a machine's bearer JWT and counts as senior. */
export const REVIEWER_ROLES = ['reviewer', 'senior_reviewer'] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number] | 'admin';
export const isSenior = (role: ReviewerRole): boolean => role === 'senior_reviewer' || role === 'admin';

export interface ReviewerRef {
  id: string;
  role: ReviewerRole;
}

/** The steps a reviewer can send the user back to (RETRY). */
export const RETRY_STEPS = ['DOCUMENT', 'LIVENESS'] as const;
export type RetryStep = (typeof RETRY_STEPS)[number];

/**
 * FINAL rejection reasons. `userMessage` is what the user is told (their `fail_reason`); the
 * reviewer's comment stays internal. Deliberately vague where detail would help a fraudster.
 */
export const REJECT_REASONS = {
  FORGED_DOCUMENT: { label: 'Forged or altered document', userMessage: 'We could not verify your identity document.' },
  IDENTITY_MISMATCH: { label: 'The person is not the document holder', userMessage: 'We could not confirm that you are the holder of this document.' },
  SPOOFING: { label: 'Presentation attack (photo, screen, mask)', userMessage: 'We could not confirm that you took part in the liveness check in person.' },
  UNDERAGE: { label: 'Under the minimum age', userMessage: 'You must be at least 18 years old to use this service.' },
  SANCTIONED: { label: 'Sanctions or watch-list match', userMessage: 'We are unable to offer this service to you.' },
  DUPLICATE_IDENTITY: { label: 'Identity already verified on another account', userMessage: 'This identity is already linked to another account.' },
  UNSUPPORTED_COUNTRY: { label: 'Country or document not supported', userMessage: 'We cannot verify documents from this country yet.' },
  FRAUD_SUSPECTED: { label: 'Other fraud indicators', userMessage: 'We could not verify your identity.' },
  RETRY_LIMIT_REACHED: { label: 'Resubmission limit reached', userMessage: 'Your verification could not be completed after several attempts.' },
  OTHER: { label: 'Other (explain in the internal comment)', userMessage: 'We could not verify your identity.' },
} as const satisfies Record<string, { label: string; userMessage: string }>;
export type RejectReasonCode = keyof typeof REJECT_REASONS;
export const REJECT_REASON_CODES = Object.keys(REJECT_REASONS) as RejectReasonCode[];

/** Ready-made RETRY messages for the user; reviewers may write their own. */
export const RETRY_MESSAGES: Readonly<Record<RetryStep, readonly string[]>> = {
  DOCUMENT: [
    'The photo of your document is blurred. Please take a new photo in good light, holding the camera steady.',
    'Part of your document is cut off. Please photograph the whole page with all four corners visible.',
    'Glare hides details on your document. Please retake the photo without flash or direct light.',
    'Your document has expired. Please upload a valid document.',
    'Please upload the back of your ID card as well.',
  ],
  LIVENESS: [
    'Your face was not clearly visible. Please redo the check facing the camera in good light.',
    'Please redo the check on your own, without anyone else in the picture.',
    'Please remove glasses, hats or masks and redo the check.',
  ],
};

/**
 * What makes a case high risk, so an approval needs a second, senior reviewer (four eyes).
 * `REVIEW_FOUR_EYES_RULES` picks which apply.
 */
export const FOUR_EYES_RULES = {
  face_no_match: 'the selfie did not match the document photo',
  screening_hit: 'a sanctions / PEP screening hit',
  liveness_failed: 'the liveness check failed',
  user_modified: 'the user changed fields read from the document',
  mrz_invalid: 'the document was not machine-verified (MRZ)',
  always: 'every approval needs two reviewers',
} as const;
export type FourEyesRule = keyof typeof FOUR_EYES_RULES;
export const FOUR_EYES_RULE_NAMES = Object.keys(FOUR_EYES_RULES) as FourEyesRule[];

/** What the API passes with each decision, from its configuration. */
export interface ReviewPolicy {
  /** RETRY requests allowed per step; one more turns into a FINAL rejection (RETRY_LIMIT_REACHED). */
  maxRetriesPerStep: number;
  fourEyes: FourEyesRule[];
}

export type ReviewDecision =
  | { action: 'APPROVE'; comment: string | null }
  | { action: 'REJECT'; reasonCode: RejectReasonCode; comment: string | null; userMessage: string | null }
  | { action: 'RETRY'; step: RetryStep; userMessage: string; comment: string | null }
  | { action: 'RESET'; comment: string | null };
export type ReviewAction = ReviewDecision['action'];

export interface ReviewClaim {
  reviewerId: string;
  claimedAt: string;
  expiresAt: string;
}

export interface OpenRetry {
  step: RetryStep;
  userMessage: string;
  comment: string | null;
  requestedBy: string;
  requestedAt: string;
  /** 1 for the first RETRY of this step. */
  attempt: number;
  attemptsLeft: number;
}

export interface ReviewNote {
  authorId: string;
  text: string;
  at: string;
}

export interface ReviewLogEntry {
  at: string;
  /** Reviewer id, or null for the system and the user. */
  by: string | null;
  event: 'STAGE' | 'DECISION' | 'APPROVAL_PENDING' | 'CLAIM' | 'RELEASE' | 'NOTE';
  detail: string;
}

/** Internal review state of a profile: never shown to the user (see `userView`). */
export interface ReviewState {
  /** RETRY requests so far, per step. */
  attempts: Record<RetryStep, number>;
  /** The resubmission the user owes, while they have not done it. */
  retry: OpenRetry | null;
  claim: ReviewClaim | null;
  /** A high-risk approval waiting for a senior's confirmation. */
  pendingApproval: { reviewerId: string; comment: string | null; at: string } | null;
  notes: ReviewNote[];
  log: ReviewLogEntry[];
  /** When the case last entered manual review: the queue's "waiting since". */
  queuedAt: string | null;
}

export const emptyReviewState = (): ReviewState => ({
  attempts: { DOCUMENT: 0, LIVENESS: 0 },
  retry: null,
  claim: null,
  pendingApproval: null,
  notes: [],
  log: [],
  queuedAt: null,
});

/** What the user is told about a RETRY (in their status; no reviewer ids, no internal comment). */
export interface Resubmission {
  step: RetryStep;
  message: string;
  attempt: number;
  attemptsLeft: number;
  requestedAt: string;
}

export const liveClaim = (claim: ReviewClaim | null | undefined, now: string): ReviewClaim | null =>
  claim && claim.expiresAt > now ? claim : null;

/** Why the case is high risk under `rules` (empty when it is not). */
export function highRiskReasons(status: Pick<KycStatusDto, 'faceMatch' | 'liveness' | 'document'> & { screening?: unknown }, rules: readonly FourEyesRule[]): string[] {
  const applies: Record<FourEyesRule, () => boolean> = {
    face_no_match: () => faceNoMatch(status.faceMatch),
    screening_hit: () => screeningHit(status.screening),
    liveness_failed: () => (status.liveness?.sessions ?? []).some((s) => s.status === 'FAILED'),
    user_modified: () => status.document?.userModified === true,
    mrz_invalid: () => status.document !== null && status.document.mrzValid !== true,
    always: () => true,
  };
  return rules.filter((rule) => applies[rule]()).map((rule) => FOUR_EYES_RULES[rule]);
}

/** A face-match band of `no_match` when the engine gives bands; else a measured, failed match. */
function faceNoMatch(face: KycStatusDto['faceMatch']): boolean {
  if (!face) return false;
  const band = (face as { band?: unknown }).band;
  if (typeof band === 'string') return band.toLowerCase() === 'no_match';
  return face.passed === false && face.distance !== null;
}

/** Screening results are read loosely: any `hits` (or `matches`) list with entries counts. */
function screeningHit(screening: unknown): boolean {
  if (!screening || typeof screening !== 'object') return false;
  const s = screening as { hits?: unknown; matches?: unknown; hit?: unknown };
  return s.hit === true || (Array.isArray(s.hits) && s.hits.length > 0) || (Array.isArray(s.matches) && s.matches.length > 0);
}

/** Whether a decision fits the profile's stage (claims and four eyes are checked by `reviewRefusal`). */
export function stageRefusal(stage: KycStage, review: ReviewState, action: ReviewAction): string | null {
  if (action === 'RESET') {
    if (stage === 'APPROVED' || stage === 'REJECTED' || stage === 'MANUAL_REVIEW') return null;
    if (review.retry && (stage === 'DOCUMENT' || stage === 'CONFIRMATION' || stage === 'REVIEW_SUBMISSION' || stage === 'LIVENESS')) return null;
    return `only a decided profile, one in review, or one waiting for a resubmission can be reset (stage: ${stage})`;
  }
  if (stage === 'MANUAL_REVIEW') return null;
  return `only a profile in manual review can be decided (stage: ${stage})${stage === 'APPROVED' || stage === 'REJECTED' ? '; reset it first' : ''}`;
}

export type Refusal = { status: 403 | 409; message: string };

/** Why `reviewer` may not make `decision` now, or null. The workflow checks this in its validator. */
export function reviewRefusal(status: KycStatusDto, reviewer: ReviewerRef, decision: ReviewDecision, policy: ReviewPolicy, now: string): Refusal | null {
  const review = status.review;
  const stage = stageRefusal(status.stage, review, decision.action);
  if (stage) return { status: 409, message: stage };
  const claim = liveClaim(review.claim, now);
  if (claim && claim.reviewerId !== reviewer.id) return { status: 409, message: `the case is claimed by ${claim.reviewerId} until ${claim.expiresAt}` };
  // Every sanctions/PEP hit is resolved (true match or false positive) before an approval.
  const openHits = decision.action === 'APPROVE' ? screeningBlocksApproval(status.screening) : null;
  if (openHits) return { status: 409, message: openHits };
  if (decision.action === 'APPROVE' && review.pendingApproval && highRiskReasons(status, policy.fourEyes).length > 0) {
    if (review.pendingApproval.reviewerId === reviewer.id) return { status: 409, message: 'you approved this high-risk case already; a second, senior reviewer must confirm' };
    if (!isSenior(reviewer.role)) return { status: 403, message: 'confirming the approval of a high-risk case needs a senior reviewer' };
  }
  return null;
}

/** Reasons grouped for the queue's filter (the texts come from the workflow's steps). */
export const REVIEW_REASON_GROUPS = ['LIVENESS', 'FACE_MATCH', 'DOCUMENT', 'PROVIDER', 'RESUBMITTED', 'RESET', 'OTHER'] as const;
export type ReviewReasonGroup = (typeof REVIEW_REASON_GROUPS)[number];

export function reasonGroup(reason: string): ReviewReasonGroup {
  if (/^resubmitted/i.test(reason)) return 'RESUBMITTED';
  if (/^reset to review/i.test(reason)) return 'RESET';
  if (/face match|selfie/i.test(reason)) return 'FACE_MATCH';
  if (/liveness|BLINK|SMILE|TURN_|NOD|OPEN_MOUTH|different people/i.test(reason)) return 'LIVENESS';
  if (/document/i.test(reason)) return 'DOCUMENT';
  if (/provider/i.test(reason)) return 'PROVIDER';
  return 'OTHER';
}

export const reasonGroups = (reasons: readonly string[]): ReviewReasonGroup[] => [...new Set(reasons.map(reasonGroup))];

