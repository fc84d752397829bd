import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { DocumentRead } from '../../domain/kyc-document.js';
import type { FaceMatchSummary } from '../../domain/liveness.js';
import type { ReviewDecision, ReviewerRef, ReviewPolicy } from '../../domain/review.js';
import {
  addReviewNoteUpdate,
  claimReviewUpdate,
  confirmDocumentUpdate,
  getStatusQuery,
  reviewDecisionUpdate,
  startLivenessUpdate,
  submitDocumentUpdate,
  uploadDocumentUpdate,
  verifyLivenessUpdate,
} from '../../workflows/kyc-profile.messages.js';
import { kycProfileWorkflow } from '../../workflows/kyc-profile.workflow.js';
import { recordHistory } from '../helpers/histories.js';
import { passingProfileActivities } from '../helpers/profile-fakes.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping, withProfileWorkers } from '../helpers/time-skipping.js';

const mrzRead: DocumentRead = {
  source: 'MRZ', mrzFormat: 'TD3', mrzValid: true, confidence: {}, errors: [],
  fields: { name: 'ERIKSSON ANNA MARIA', idNumber: 'L898902C3', birthDate: '1974-08-12', expiryDate: '2099-04-15', issuer: 'UTO', nationality: 'UTO' },
};
// (a far expiry: the test server may skip years ahead while a test awaits a workflow's result)
const match: FaceMatchSummary = { passed: true, similarity: 0.8, distance: 0.2, threshold: 0.4, reason: null };
const mismatch: FaceMatchSummary = { passed: false, similarity: 0.2, distance: 0.8, threshold: 0.4, reason: 'the selfie does not match the document photo' };
const policy: ReviewPolicy = { maxRetriesPerStep: 1, fourEyes: ['face_no_match'] };
const anna: ReviewerRef = { id: 'anna', role: 'reviewer' };
const ben: ReviewerRef = { id: 'ben', role: 'reviewer' };
const sara: ReviewerRef = { id: 'sara', role: 'senior_reviewer' };

/** Fake activities whose face-match answer the test changes as it goes; it records what was matched. */
function activities(face: { next: FaceMatchSummary; matched: string[][] }) {
  return {
    ...passingProfileActivities(mrzRead),
    matchDocumentFace: async ({ documentFileId, selfieFileId }: { documentFileId: string; selfieFileId: string }) => {
      face.matched.push([documentFileId, selfieFileId]);
      return face.next;
    },
  };
}

const refusedWith = (pattern: RegExp) => (err: unknown) => err instanceof WorkflowUpdateFailedError && pattern.test(String(err.cause?.message));

describe('kycProfileWorkflow review decisions (time-skipping server)', { skip: skipWithoutTimeSkipping, timeout: 90_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  /** A profile in manual review because the selfie did not match the document (a high-risk case). */
  async function inReview<T>(body: (handle: any, face: { next: FaceMatchSummary; matched: string[][] }) => Promise<T>, overrides: object = {}): Promise<T> {
    const taskQueue = `review-${++n}`;
    const face = { next: mismatch, matched: [] as string[][] };
    return withProfileWorkers(env, taskQueue, { ...activities(face), ...overrides }, async () => {
      const handle: any = await env.client.workflow.start(kycProfileWorkflow, {
        workflowId: `kyc-profile:review-${n}-${Date.now()}`,
        taskQueue,
        // Real-time windows: the test server stops skipping time once a workflow has had Updates.
        args: [{ profileId: `profile_${String(n).padStart(24, 'c')}`, userId: 'u1', country: 'SG', ttlMs: 24 * 3_600_000, resetWindowMs: 300, reviewSlaMs: 3_600_000, livenessSessionTtlMs: 60_000 }],
      });
      await uploadConfirmSubmit(handle, 'f1');
      const session = await handle.executeUpdate(startLivenessUpdate);
      await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: ['v1', 'v2', 'v3'] }] });
      assert.equal((await handle.query(getStatusQuery)).stage, 'MANUAL_REVIEW');
      return body(handle, face);
    });
  }

  async function uploadConfirmSubmit(handle: any, frontFileId: string) {
    const { documentId } = await handle.executeUpdate(uploadDocumentUpdate, { args: [{ docType: 'PASSPORT', country: 'SG', frontFileId, backFileId: null }] });
    await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: {}, userModified: false }] });
    return handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] });
  }

  const decide = (handle: any, reviewer: ReviewerRef, decision: ReviewDecision) => handle.executeUpdate(reviewDecisionUpdate, { args: [{ reviewer, decision, policy }] });
  async function stageBecomes(handle: any, stage: string) {
    for (let i = 0; i < 100; i++) {
      const status = await handle.query(getStatusQuery);
      if (status.stage === stage) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`stage never became ${stage}`);
  }

  it('RETRY of the document: the user is told what to fix, the new document is matched to the kept selfie, and the case returns to review', async () => {
    await inReview(async (handle, face) => {
      const retry = await decide(handle, anna, { action: 'RETRY', step: 'DOCUMENT', userMessage: 'Please retake the photo in good light.', comment: 'glare over the portrait' });
      assert.deepEqual([retry.outcome, retry.previousStage, retry.stage], ['RETRY_REQUESTED', 'MANUAL_REVIEW', 'DOCUMENT']);
      const owed = await handle.query(getStatusQuery);
      assert.deepEqual([owed.status, owed.failReason, owed.resubmission.step, owed.resubmission.attempt, owed.resubmission.attemptsLeft], ['rejected', 'Please retake the photo in good light.', 'DOCUMENT', 1, 0]);
      await assert.rejects(decide(handle, anna, { action: 'APPROVE', comment: null }), refusedWith(/only a profile in manual review/), 'nothing to decide while the user owes the step');

      face.next = match;
      await uploadConfirmSubmit(handle, 'f2');
      const back = await stageBecomes(handle, 'MANUAL_REVIEW');
      assert.deepEqual(face.matched.at(-1), ['f2', 'selfie-1'], 'the new document against the selfie already taken');
      assert.equal(back.faceMatch.passed, true);
      assert.match(back.reviewReasons[0], /^resubmitted after RETRY of the document/);
      assert.deepEqual([back.resubmission, back.failReason, back.status], [null, null, 'processing']);
      assert.equal(back.liveness.sessions.length, 1, 'no new liveness session was needed');
      assert.ok(back.review.log.some((e: any) => e.detail === 'REVIEW_SUBMISSION → FACE_MATCH'));

      const approved = await decide(handle, anna, { action: 'APPROVE', comment: 'new photo is fine' });
      assert.equal(approved.outcome, 'APPROVED', 'the face now matches: no second reviewer needed');
      const result = await handle.result();
      assert.deepEqual(result.decisions.map((d: any) => [d.adminId, d.kind, d.step ?? null]), [['anna', 'REJECT_RETRY', 'DOCUMENT'], ['anna', 'APPROVE', null]]);
      await recordHistory('kyc-profile.review-retry-document', handle.fetchHistory());
    });
  });

  it('a document resubmitted after a RETRY is screened again: the new name is screened, a blocklisted document rejects', async () => {
    const screened: string[] = [];
    const other: DocumentRead = { ...mrzRead, fields: { ...mrzRead.fields, name: 'OKAFOR OLUWASEUN', idNumber: 'SN1234567' } };
    await inReview(async (handle, face) => {
      await decide(handle, anna, { action: 'RETRY', step: 'DOCUMENT', userMessage: 'Please retake the photo in good light.', comment: null });
      face.next = match;
      await uploadConfirmSubmit(handle, 'f2');
      const result = await handle.result();
      assert.deepEqual(screened, ['ERIKSSON ANNA MARIA', 'OKAFOR OLUWASEUN'], 'each identity screened once');
      assert.deepEqual([result.stage, result.decisions.at(-1).adminId, result.decisions.at(-1).remark], ['REJECTED', 'system', 'blocklisted document: reported stolen']);
      await recordHistory('kyc-profile.review-retry-rescreened', handle.fetchHistory());
    }, {
      readDocument: async ({ frontFileId }: { frontFileId: string }) => (frontFileId === 'f2' ? other : mrzRead),
      screenPerson: async ({ subject }: { subject: { name: string } }) => (screened.push(subject.name), { listVersion: 'test', hits: [], problem: null }),
      checkDuplicates: async ({ fields }: { fields: { idNumber: string } }) =>
        ({ duplicates: [], blocked: fields.idNumber === 'SN1234567' ? { reason: 'reported stolen', addedBy: 'ops', listedAt: '2026-01-01T00:00:00.000Z' } : null }),
    });
  });

  it('a liveness session opened in a RETRY that was withdrawn takes no videos: the evidence decided on stays', async () => {
    await inReview(async (handle) => {
      await decide(handle, anna, { action: 'RETRY', step: 'LIVENESS', userMessage: 'Please redo the check facing the camera.', comment: null });
      const session = await handle.executeUpdate(startLivenessUpdate);
      await decide(handle, anna, { action: 'RESET', comment: 'retry withdrawn' });
      const before = (await handle.query(getStatusQuery)).faceMatch;
      await assert.rejects(handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: ['v4', 'v5', 'v6'] }] }), refusedWith(/no longer takes liveness videos \(profile stage: MANUAL_REVIEW\)/));
      assert.deepEqual((await handle.query(getStatusQuery)).faceMatch, before);
    });
  });

  it('RETRY of liveness counts attempts; one past the limit becomes a FINAL rejection with its reason', async () => {
    await inReview(async (handle) => {
      await decide(handle, anna, { action: 'RETRY', step: 'LIVENESS', userMessage: 'Please redo the check facing the camera.', comment: null });
      assert.equal((await handle.query(getStatusQuery)).stage, 'LIVENESS');
      const session = await handle.executeUpdate(startLivenessUpdate);
      await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: ['v4', 'v5', 'v6'] }] });
      const back = await stageBecomes(handle, 'MANUAL_REVIEW');
      assert.match(back.reviewReasons.join('; '), /^resubmitted after RETRY 1 of the liveness check; face match failed/);
      assert.deepEqual(back.review.attempts, { DOCUMENT: 0, LIVENESS: 1 });

      const final = await decide(handle, anna, { action: 'RETRY', step: 'LIVENESS', userMessage: 'Once more, please.', comment: 'still blurry' });
      assert.deepEqual([final.outcome, final.reasonCode, final.stage], ['REJECTED', 'RETRY_LIMIT_REACHED', 'REJECTED']);
      const result = await handle.result();
      assert.equal(result.failReason, 'Your verification could not be completed after several attempts.');
      assert.deepEqual(result.decisions.map((d: any) => d.kind), ['REJECT_RETRY', 'REJECT_FINAL']);
      await recordHistory('kyc-profile.review-retry-limit', handle.fetchHistory());
    });
  });

  it('claims, notes and four eyes: a high-risk approval waits for a second, senior reviewer', async () => {
    await inReview(async (handle) => {
      const claim = await handle.executeUpdate(claimReviewUpdate, { args: [{ reviewer: anna, release: false, ttlMs: 60_000 }] });
      assert.equal(claim.reviewerId, 'anna');
      await assert.rejects(handle.executeUpdate(claimReviewUpdate, { args: [{ reviewer: ben, release: false, ttlMs: 60_000 }] }), refusedWith(/claimed by anna/));
      await assert.rejects(decide(handle, ben, { action: 'REJECT', reasonCode: 'FRAUD_SUSPECTED', comment: null, userMessage: null }), refusedWith(/claimed by anna/));
      await handle.executeUpdate(addReviewNoteUpdate, { args: [{ reviewer: anna, text: 'selfie looks like the same person, older photo' }] });
      await assert.rejects(handle.executeUpdate(addReviewNoteUpdate, { args: [{ reviewer: anna, text: '  ' }] }), refusedWith(/1 to 2000/));

      const first = await decide(handle, anna, { action: 'APPROVE', comment: 'same person' });
      assert.deepEqual([first.outcome, first.stage, first.highRisk], ['APPROVAL_PENDING', 'MANUAL_REVIEW', ['the selfie did not match the document photo']]);
      await assert.rejects(decide(handle, anna, { action: 'APPROVE', comment: null }), refusedWith(/second, senior reviewer/));
      await assert.rejects(decide(handle, ben, { action: 'APPROVE', comment: null }), refusedWith(/needs a senior reviewer/));
      const second = await decide(handle, sara, { action: 'APPROVE', comment: 'agreed' });
      assert.equal(second.outcome, 'APPROVED');
      const result = await handle.result();
      assert.deepEqual(result.decisions.map((d: any) => [d.adminId, d.kind, d.confirms]), [['sara', 'APPROVE', 'anna']]);
      assert.deepEqual(result.review.notes.map((x: any) => x.text), ['selfie looks like the same person, older photo']);
      assert.deepEqual(result.review.log.filter((e: any) => e.event !== 'STAGE').map((e: any) => `${e.by}:${e.event}`), ['anna:CLAIM', 'anna:NOTE', 'anna:APPROVAL_PENDING', 'sara:DECISION']);
      await recordHistory('kyc-profile.review-four-eyes', handle.fetchHistory());
    });
  });

  it('a RETRY can be withdrawn (reset) while the user has not redone the step', async () => {
    await inReview(async (handle) => {
      await decide(handle, anna, { action: 'RETRY', step: 'DOCUMENT', userMessage: 'Please retake the photo.', comment: null });
      const reset = await decide(handle, sara, { action: 'RESET', comment: 'the photo was fine after all' });
      assert.deepEqual([reset.outcome, reset.stage], ['RESET', 'MANUAL_REVIEW']);
      const status = await handle.query(getStatusQuery);
      assert.deepEqual([status.resubmission, status.failReason, status.status, status.reviewReasons], [null, null, 'processing', ['reset to review: the RETRY was withdrawn']]);
      await assert.rejects(handle.executeUpdate(uploadDocumentUpdate, { args: [{ docType: 'PASSPORT', country: 'SG', frontFileId: 'f3', backFileId: null }] }), refusedWith(/only before it is confirmed/));
      await decide(handle, sara, { action: 'REJECT', reasonCode: 'FORGED_DOCUMENT', comment: null, userMessage: null });
      assert.equal((await handle.result()).failReason, 'We could not verify your identity document.');
    });
  });
});
