import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import { localStatusOf } from '../../domain/kyc-profile.js';
import type { KycStage } from '../../domain/kyc-stage.js';
import { emptyReviewState, highRiskReasons, reasonGroup, reviewRefusal, type ReviewDecision, type ReviewerRef, type ReviewPolicy } from '../../domain/review.js';
import { queueQuery, reviewDecisionBody, reviewNoteBody } from '../../domain/review.schemas.js';

const NOW = '2026-03-01T10:00:00.000Z';
const policy: ReviewPolicy = { maxRetriesPerStep: 2, fourEyes: ['face_no_match', 'screening_hit'] };
const anna: ReviewerRef = { id: 'anna', role: 'reviewer' };
const ben: ReviewerRef = { id: 'ben', role: 'reviewer' };
const sara: ReviewerRef = { id: 'sara', role: 'senior_reviewer' };
const approve: ReviewDecision = { action: 'APPROVE', comment: null };

function profile(stage: KycStage, extra: Partial<KycStatusDto> = {}): KycStatusDto {
  return {
    profileId: 'profile_aaaaaaaaaaaaaaaaaaaaaaaa', recordId: 1, agentUid: 'u', userId: 'u1', country: 'SG', stage, status: 'processing',
    document: null, liveness: null, faceMatch: null, provider: null, reviewReasons: [], decisions: [], reviewOverdue: false,
    failReason: null, resubmission: null, review: emptyReviewState(), createdAt: NOW, updatedAt: NOW, ...extra,
  };
}
const noMatch = { passed: false, similarity: 0.1, distance: 0.8, threshold: 0.4, reason: 'mismatch' };

describe('review decision rules', () => {
  it('decides only cases in review; resets decided ones and withdraws an open RETRY', () => {
    assert.equal(reviewRefusal(profile('MANUAL_REVIEW'), anna, approve, policy, NOW), null);
    assert.match(reviewRefusal(profile('LIVENESS'), anna, approve, policy, NOW)!.message, /only a profile in manual review/);
    assert.match(reviewRefusal(profile('APPROVED'), anna, { action: 'REJECT', reasonCode: 'OTHER', comment: null, userMessage: null }, policy, NOW)!.message, /reset it first/);
    assert.equal(reviewRefusal(profile('REJECTED'), anna, { action: 'RESET', comment: null }, policy, NOW), null);
    assert.ok(reviewRefusal(profile('DOCUMENT'), anna, { action: 'RESET', comment: null }, policy, NOW), 'no RETRY open: a user step is not resettable');
    const waiting = profile('DOCUMENT');
    waiting.review.retry = { step: 'DOCUMENT', userMessage: 'retake', comment: null, requestedBy: 'anna', requestedAt: NOW, attempt: 1, attemptsLeft: 1 };
    assert.equal(reviewRefusal(waiting, anna, { action: 'RESET', comment: null }, policy, NOW), null);
  });

  it('a live claim by someone else blocks a decision; an expired one does not', () => {
    const claimed = profile('MANUAL_REVIEW');
    claimed.review.claim = { reviewerId: 'ben', claimedAt: NOW, expiresAt: '2026-03-01T10:30:00.000Z' };
    assert.match(reviewRefusal(claimed, anna, approve, policy, NOW)!.message, /claimed by ben/);
    assert.equal(reviewRefusal(claimed, ben, approve, policy, NOW), null);
    assert.equal(reviewRefusal(claimed, anna, approve, policy, '2026-03-01T10:31:00.000Z'), null);
  });

  it('four eyes: a high-risk approval needs a second person, and that person must be senior', () => {
    const risky = profile('MANUAL_REVIEW', { faceMatch: noMatch });
    assert.deepEqual(highRiskReasons(risky, policy.fourEyes), ['the selfie did not match the document photo']);
    assert.equal(reviewRefusal(risky, anna, approve, policy, NOW), null, 'the first approval is accepted (it becomes pending)');
    risky.review.pendingApproval = { reviewerId: 'anna', comment: null, at: NOW };
    assert.equal(reviewRefusal(risky, anna, approve, policy, NOW)!.status, 409);
    assert.equal(reviewRefusal(risky, ben, approve, policy, NOW)!.status, 403);
    assert.equal(reviewRefusal(risky, sara, approve, policy, NOW), null);
    assert.equal(reviewRefusal(risky, { id: 'ops', role: 'admin' }, approve, policy, NOW), null, 'a machine admin counts as senior');
  });

  it('high-risk rules: face band or failed match, screening hits, and the configurable others', () => {
    const base = profile('MANUAL_REVIEW');
    assert.deepEqual(highRiskReasons(base, ['face_no_match', 'screening_hit', 'liveness_failed', 'user_modified', 'mrz_invalid']), []);
    assert.equal(highRiskReasons({ ...base, faceMatch: { ...noMatch, passed: true, band: 'no_match' } as any }, ['face_no_match']).length, 1, 'the band wins when present');
    assert.equal(highRiskReasons({ ...base, faceMatch: { ...noMatch, band: 'uncertain' } as any }, ['face_no_match']).length, 0);
    assert.equal(highRiskReasons({ ...base, faceMatch: { ...noMatch, distance: null } }, ['face_no_match']).length, 0, 'no face found is not a measured mismatch');
    assert.equal(highRiskReasons({ ...base, screening: { hits: [{ list: 'OFAC' }] } }, ['screening_hit']).length, 1);
    assert.equal(highRiskReasons({ ...base, screening: { hits: [] } }, ['screening_hit']).length, 0);
    assert.equal(highRiskReasons(base, ['always']).length, 1);
  });

  it('reads as rejected with the message while a RETRY is open', () => {
    assert.equal(localStatusOf('DOCUMENT', null), 'pending_submit');
    assert.equal(localStatusOf('DOCUMENT', { step: 'DOCUMENT', message: 'retake', attempt: 1, attemptsLeft: 1, requestedAt: NOW }), 'rejected');
  });

  it('groups the workflow\'s review reasons for the queue filter', () => {
    assert.equal(reasonGroup('liveness failed 3 times'), 'LIVENESS');
    assert.equal(reasonGroup('BLINK: no blink seen'), 'LIVENESS');
    assert.equal(reasonGroup('face match failed: the selfie does not match the document photo'), 'FACE_MATCH');
    assert.equal(reasonGroup('the document needs review (submit status 2)'), 'DOCUMENT');
    assert.equal(reasonGroup('the KYC provider did not decide in time'), 'PROVIDER');
    assert.equal(reasonGroup('resubmitted after RETRY 1 of the document'), 'RESUBMITTED');
    assert.equal(reasonGroup('reset to review'), 'RESET');
  });
});

describe('review request shapes', () => {
  it('decision forms: blank optional text is no value, line breaks become spaces, hidden characters and markup are refused', () => {
    assert.deepEqual(reviewDecisionBody.parse({ action: 'APPROVE', comment: '  ' }), { action: 'APPROVE', comment: null });
    assert.deepEqual(reviewDecisionBody.parse({ action: 'RETRY', step: 'DOCUMENT', userMessage: 'Retake the\r\nphoto please' }),
      { action: 'RETRY', step: 'DOCUMENT', userMessage: 'Retake the photo please', comment: null });
    assert.deepEqual(reviewDecisionBody.parse({ action: 'REJECT', reasonCode: 'SPOOFING', userMessage: '' }), { action: 'REJECT', reasonCode: 'SPOOFING', comment: null, userMessage: null });
    for (const bad of [
      { action: 'RETRY', step: 'DOCUMENT', userMessage: 'ok' },
      { action: 'RETRY', step: 'SELFIE', userMessage: 'Please retake it' },
      { action: 'RETRY', step: 'DOCUMENT', userMessage: 'Please \u202Eretake it' },
      { action: 'REJECT', reasonCode: 'BECAUSE' },
      { action: 'APPROVE', comment: '<script>x</script>' },
      { action: 'DELETE' },
    ]) assert.equal(reviewDecisionBody.safeParse(bad).success, false, JSON.stringify(bad));
  });

  it('notes keep line breaks but nothing hidden', () => {
    assert.equal(reviewNoteBody.parse({ text: ' first line\r\nsecond ' }).text, 'first line\nsecond');
    assert.equal(reviewNoteBody.safeParse({ text: 'zero\u200Bwidth' }).success, false);
    assert.equal(reviewNoteBody.safeParse({ text: '   ' }).success, false);
  });

  it('queue filters left at "All" are unset', () => {
    const blank = queueQuery.parse({ stage: 'MANUAL_REVIEW', overdue: '', country: '', reason: '', q: '' });
    assert.deepEqual([blank.overdue, blank.country, blank.reason, blank.q, blank.page], [undefined, undefined, undefined, undefined, 1]);
    assert.equal(queueQuery.parse({ overdue: 'true' }).overdue, true);
    assert.equal(queueQuery.safeParse({ q: 'x; drop' }).success, false);
  });
});
