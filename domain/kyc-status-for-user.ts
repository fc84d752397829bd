import type { KycStatusDto } from './kyc-profile.js';
import type { LivenessSession } from './liveness.js';

/**
 * The profile as its own user sees it (`GET /status/{profileId}`). Reviewers' identities, their
 * internal remarks, why the automatic checks chose review, vendor callbacks, face-match and
 * anti-spoofing scores are for staff: they would tell a fraudster what to tune. The user keeps every step's outcome,
 * what was decided and when, and the rejection reason meant for them (`failReason`).
 */
export interface KycStatusForUser extends Omit<KycStatusDto, 'decisions' | 'reviewReasons' | 'liveness' | 'faceMatch' | 'review'> {
  decisions: Array<Pick<KycStatusDto['decisions'][number], 'status' | 'at' | 'kind' | 'step' | 'reasonCode' | 'userMessage'>>;
  liveness: { sessions: LivenessSession[] } | null;
  faceMatch: { passed: boolean } | null;
}

export function statusForUser(status: KycStatusDto): KycStatusForUser {
  // `review` (claims, notes, four-eyes state, the review log) is the reviewers' alone.
  const { decisions, reviewReasons: _internal, review: _reviewers, liveness, faceMatch, ...shown } = status;
  return {
    ...shown,
    decisions: decisions.map(({ status: decided, at, kind, step, reasonCode, userMessage }) => ({ status: decided, at, kind, step, reasonCode, userMessage })),
    // Anti-spoofing scores stay with reviewers, like the face-match scores.
    liveness: liveness && { sessions: liveness.sessions.map(({ presentation: _scores, ...session }) => session) },
    faceMatch: faceMatch && { passed: faceMatch.passed },
  };
}
