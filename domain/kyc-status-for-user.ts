import type { KycStatusDto } from './kyc-profile.js';
import type { LivenessSession } from './liveness.js';

/**
 * The profile as its own user sees it (`GET /status/{profileId}`): an allow-list, so a field added
 * to the profile later stays with staff until it is added here on purpose. Reviewers' identities,
 * their internal remarks, why the automatic checks chose review, sanctions/PEP screening (a hit
 * shown to its subject is tipping-off), duplicate identities (other customers' ids), vendor
 * callbacks, face-match and anti-spoofing scores are for staff: they would tell a fraudster what to
 * tune. The user keeps every step's outcome, what was decided and when, and the rejection reason
 * meant for them (`failReason`).
 */
export type KycStatusForUser = Pick<KycStatusDto,
  'profileId' | 'recordId' | 'agentUid' | 'userId' | 'country' | 'stage' | 'status' | 'document' | 'provider'
  | 'reviewOverdue' | 'failReason' | 'resubmission' | 'createdAt' | 'updatedAt'> & {
  decisions: Array<Pick<KycStatusDto['decisions'][number], 'status' | 'at' | 'kind' | 'step' | 'reasonCode' | 'userMessage'>>;
  liveness: { sessions: LivenessSession[] } | null;
  faceMatch: { passed: boolean } | null;
  /** Set once the profile's data was erased (only its redacted record is kept). */
  erasedAt?: string;
};

export function statusForUser(s: KycStatusDto & { erasedAt?: string }): KycStatusForUser {
  return {
    profileId: s.profileId, recordId: s.recordId, agentUid: s.agentUid, userId: s.userId, country: s.country,
    stage: s.stage, status: s.status, document: s.document, provider: s.provider, reviewOverdue: s.reviewOverdue,
    failReason: s.failReason, resubmission: s.resubmission, createdAt: s.createdAt, updatedAt: s.updatedAt,
    decisions: s.decisions.map(({ status, at, kind, step, reasonCode, userMessage }) => ({ status, at, kind, step, reasonCode, userMessage })),
    // Anti-spoofing scores stay with reviewers, like the face-match scores.
    liveness: s.liveness && { sessions: s.liveness.sessions.map(({ presentation: _scores, ...session }) => session) },
    faceMatch: s.faceMatch && { passed: s.faceMatch.passed },
    ...(s.erasedAt ? { erasedAt: s.erasedAt } : {}),
  };
}
