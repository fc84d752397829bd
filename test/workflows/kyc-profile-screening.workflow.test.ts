import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { DocumentRead } from '../../domain/kyc-document.js';
import type { DuplicateCheck, ScreeningResult } from '../../domain/screening.js';
import type { WebhookEvent } from '../../activities/webhook.activities.js';
import {
  adminDecisionSignal,
  confirmDocumentUpdate,
  getStatusQuery,
  resolveScreeningHitUpdate,
  screeningAlertSignal,
  startLivenessUpdate,
  submitDocumentUpdate,
  uploadDocumentUpdate,
  verifyLivenessUpdate,
} from '../../workflows/kyc-profile.messages.js';
import { kycProfileWorkflow } from '../../workflows/kyc-profile.workflow.js';
import { recordHistory } from '../helpers/histories.js';
import { FACE_MATCHED, passingProfileActivities } from '../helpers/profile-fakes.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping, withProfileWorkers } from '../helpers/time-skipping.js';

const mrzRead: DocumentRead = {
  source: 'MRZ', mrzFormat: 'TD3', mrzValid: true, confidence: {}, errors: [],
  fields: { name: 'SIDORENKO IVAN', idNumber: 'L898902C3', birthDate: '1971-04-02', expiryDate: '2099-04-15', issuer: 'UTO', nationality: 'UTO' },
};
const hit = {
  entryId: 'opensanctions:fx-1', source: 'opensanctions', entryName: 'Ivan Petrovich Sidorenko', matchedAlias: 'Ivan Petrovich Sidorenko', score: 0.99,
  reasons: ['name 0.95 on "Ivan Petrovich Sidorenko" (ivan, sidorenko; 1 word(s) unpaired)', 'birth date agrees (1971-04-02)'], topics: ['sanction'], programs: ['FICTIONAL-A'],
};

describe('kycProfileWorkflow sanctions screening (time-skipping server)', { skip: skipWithoutTimeSkipping, timeout: 90_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  /** A profile through document and liveness (all passing), screened with `result`. */
  async function screened<T>(result: ScreeningResult, body: (handle: any, seen: { screened: unknown[]; events: WebhookEvent[]; faces: unknown[] }) => Promise<T>, identity: DuplicateCheck = { duplicates: [], blocked: null }, faces: DuplicateCheck = { duplicates: [], blocked: null }): Promise<T> {
    const taskQueue = `screen-${++n}`;
    const seen = { screened: [] as unknown[], events: [] as WebhookEvent[], faces: [] as unknown[] };
    const activities = {
      ...passingProfileActivities(mrzRead),
      deliverWebhook: async (event: WebhookEvent) => void seen.events.push(event),
      screenPerson: async (input: unknown) => (seen.screened.push(input), result),
      checkDuplicates: async () => identity,
      checkDuplicateFaces: async (input: unknown) => (seen.faces.push(input), faces),
      matchDocumentFace: async (input: unknown) => (seen.faces.push(input), FACE_MATCHED),
    };
    return withProfileWorkers(env, taskQueue, activities, async () => {
      const handle: any = await env.client.workflow.start(kycProfileWorkflow, {
        workflowId: `kyc-profile:screen-${n}`,
        taskQueue,
        args: [{ profileId: `profile_${String(n).padStart(24, 's')}`, userId: 'u1', country: 'SG', ttlMs: 24 * 3_600_000, resetWindowMs: 300, reviewSlaMs: 3_600_000 }],
      });
      const { documentId } = await handle.executeUpdate(uploadDocumentUpdate, { args: [{ docType: 'PASSPORT', country: 'SG', frontFileId: 'f1', backFileId: null }] });
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: {}, userModified: false }] });
      await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] });
      // (refused when a blocklisted document has rejected the profile meanwhile)
      const session = await handle.executeUpdate(startLivenessUpdate).catch(() => null);
      if (session) await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: ['v1', 'v2', 'v3'] }] }).catch(() => undefined);
      return body(handle, seen);
    });
  }

  it('a hit sends the case to review with the hit listed; approval waits until the reviewer dismisses it as a false positive', async () => {
    await screened({ listVersion: 'opensanctions:abc', hits: [hit], problem: null }, async (handle, seen) => {
      assert.deepEqual(seen.screened, [{ profileId: `profile_${String(n).padStart(24, 's')}`, userId: 'u1', subject: { name: 'SIDORENKO IVAN', birthDate: '1971-04-02', nationality: 'UTO' } }]);
      let status = await handle.query(getStatusQuery);
      assert.equal(status.stage, 'MANUAL_REVIEW');
      assert.match(status.reviewReasons.join('; '), /sanctions\/PEP screening: 1 possible match/);
      assert.equal(status.screening.listVersion, 'opensanctions:abc');
      const [recorded] = status.screening.hits;
      assert.deepEqual([recorded.hitId, recorded.origin, recorded.resolution, recorded.reasons], ['hit_opensanctions_fx-1', 'ONBOARDING', null, hit.reasons]);

      await handle.signal(adminDecisionSignal, { adminId: 'rev1', status: 2, remark: 'too early' });
      assert.equal((await handle.query(getStatusQuery)).stage, 'MANUAL_REVIEW', 'an approval with an open hit is ignored');
      await assert.rejects(handle.executeUpdate(resolveScreeningHitUpdate, { args: [{ hitId: 'hit_nope', outcome: 'FALSE_POSITIVE', reviewerId: 'rev1', reason: 'x' }] }),
        (err: unknown) => err instanceof WorkflowUpdateFailedError && /no screening hit/.test(String(err.cause?.message)));

      const state = await handle.executeUpdate(resolveScreeningHitUpdate, { args: [{ hitId: recorded.hitId, outcome: 'FALSE_POSITIVE', reviewerId: 'rev1', reason: 'different birth place and photo' }] });
      assert.deepEqual([state.hits[0].resolution.outcome, state.hits[0].resolution.reviewerId, state.hits[0].resolution.reason], ['FALSE_POSITIVE', 'rev1', 'different birth place and photo']);
      await assert.rejects(handle.executeUpdate(resolveScreeningHitUpdate, { args: [{ hitId: recorded.hitId, outcome: 'TRUE_MATCH', reviewerId: 'rev2', reason: 'x' }] }),
        (err: unknown) => err instanceof WorkflowUpdateFailedError && /already resolved \(FALSE_POSITIVE by rev1\)/.test(String(err.cause?.message)));
      // A case with a (dismissed) hit is high risk: a second reviewer confirms the approval.
      await handle.signal(adminDecisionSignal, { adminId: 'rev1', status: 2, remark: 'cleared' });
      status = await handle.query(getStatusQuery);
      assert.deepEqual([status.stage, status.review.pendingApproval?.reviewerId], ['MANUAL_REVIEW', 'rev1']);
      await handle.signal(adminDecisionSignal, { adminId: 'rev2', status: 2, remark: 'confirmed' });
      status = await handle.result();
      assert.equal(status.stage, 'APPROVED');
      assert.deepEqual(status.decisions.map((d: any) => [d.adminId, d.status, d.remark, d.confirms]), [['rev2', 2, 'confirmed', 'rev1']]);
      const hitEvents = seen.events.filter((e) => e.type === 'kyc.screening.hit');
      assert.deepEqual(hitEvents.map((e) => e.data), [{ profileId: status.profileId, userId: 'u1', origin: 'ONBOARDING', hits: 1 }], 'one hit event, without PII');
      await recordHistory('kyc-profile.screening-dismissed.four-eyes', handle.fetchHistory());
    });
  });

  it('a true match rejects the profile (neutral reason for the user, the reviewer\'s reason in the decision)', async () => {
    await screened({ listVersion: 'opensanctions:abc', hits: [hit], problem: null }, async (handle) => {
      await handle.executeUpdate(resolveScreeningHitUpdate, { args: [{ hitId: 'hit_opensanctions_fx-1', outcome: 'TRUE_MATCH', reviewerId: 'rev2', reason: 'same person: photo and birth place agree' }] });
      const status = await handle.result();
      assert.deepEqual([status.stage, status.failReason], ['REJECTED', 'rejected in manual review']);
      assert.match(status.decisions[0].remark, /true match on opensanctions:fx-1: same person/);
      assert.equal(status.screening.hits[0].resolution.outcome, 'TRUE_MATCH');
      await recordHistory('kyc-profile.screening-true-match.review-model', handle.fetchHistory());
    });
  });

  it('no hits → provider check as before; screening that could not run → review with the reason', async () => {
    await screened({ listVersion: 'opensanctions:abc', hits: [], problem: null }, async (handle) => {
      const status = await handle.result();
      assert.equal(status.stage, 'APPROVED');
      assert.deepEqual(status.screening.hits, []);
    });
    await screened({ listVersion: null, hits: [], problem: 'no sanctions list is loaded' }, async (handle) => {
      const status = await handle.query(getStatusQuery);
      assert.equal(status.stage, 'MANUAL_REVIEW');
      assert.match(status.reviewReasons.join('; '), /screening could not run: no sanctions list is loaded/);
    });
  });

  it('monitoring reopens a closed approved profile from its snapshot; dismissing the new hit restores the approval', async () => {
    await screened({ listVersion: 'opensanctions:abc', hits: [], problem: null }, async (handle) => {
      const approved = await handle.result(); // closed after the (short) reset window
      assert.equal(approved.stage, 'APPROVED');
      const alert = { listVersion: 'opensanctions:def', hits: [{ ...hit, entryId: 'opensanctions:fx-9', entryName: 'Newly Listed' }] };
      const reopened: any = await env.client.workflow.signalWithStart(kycProfileWorkflow, {
        workflowId: handle.workflowId,
        taskQueue: `screen-${n}`,
        args: [{ profileId: approved.profileId, userId: 'u1', country: 'SG', ttlMs: 3_600_000, resetWindowMs: 300, resume: { status: approved, version: 40 } }],
        signal: screeningAlertSignal,
        signalArgs: [alert],
      });
      let status = await reopened.query(getStatusQuery);
      for (let i = 0; i < 50 && status.stage !== 'MANUAL_REVIEW'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await reopened.query(getStatusQuery);
      }
      assert.equal(status.stage, 'MANUAL_REVIEW');
      assert.deepEqual([status.createdAt, status.document.documentId], [approved.createdAt, approved.document.documentId], 'the same profile, where it stood');
      assert.deepEqual(status.screening.hits.map((h: any) => [h.hitId, h.origin]), [['hit_opensanctions_fx-9', 'MONITORING']]);
      await reopened.signal(screeningAlertSignal, alert); // a repeated alert adds nothing
      await reopened.executeUpdate(resolveScreeningHitUpdate, { args: [{ hitId: 'hit_opensanctions_fx-9', outcome: 'FALSE_POSITIVE', reviewerId: 'rev3', reason: 'namesake' }] });
      status = await reopened.result();
      assert.equal(status.stage, 'APPROVED');
      assert.equal(status.screening.hits.length, 1);
      await recordHistory('kyc-profile.monitoring-reopened.review-model', reopened.fetchHistory());
    });
  });

  it('another user with the same document goes to review with that profile linked; a blocklisted document is rejected', async () => {
    const duplicates = [{ profileId: 'profile_other', userId: 'u2', match: 'DOCUMENT' as const }];
    await screened({ listVersion: 'opensanctions:abc', hits: [], problem: null }, async (handle) => {
      const status = await handle.query(getStatusQuery);
      assert.equal(status.stage, 'MANUAL_REVIEW');
      assert.match(status.reviewReasons.join('; '), /duplicate identity: the same document as profile profile_other of user u2/);
      assert.deepEqual(status.screening.duplicates, duplicates);
      await recordHistory('kyc-profile.duplicate-document.review-model', handle.fetchHistory());
    }, { duplicates, blocked: null });
    await screened({ listVersion: 'opensanctions:abc', hits: [], problem: null }, async (handle) => {
      const status = await handle.result();
      assert.deepEqual([status.stage, status.failReason], ['REJECTED', 'rejected in manual review']);
      assert.equal(status.decisions[0].adminId, 'system');
      assert.match(status.decisions[0].remark, /blocklisted document: fraud ring/);
    }, { duplicates: [], blocked: { reason: 'fraud ring', addedBy: 'ops', listedAt: '2026-01-01T00:00:00.000Z' } });
  });

  it("another user's face goes to review with that profile linked; a blocklisted face is rejected (FINAL)", async () => {
    const duplicates = [{ profileId: 'profile_face', userId: 'u9', match: 'FACE' as const, distance: 0.31 }];
    await screened({ listVersion: 'opensanctions:abc', hits: [], problem: null }, async (handle, seen) => {
      const profileId = `profile_${String(n).padStart(24, 's')}`;
      assert.deepEqual(seen.faces, [
        { documentFileId: 'f1', selfieFileId: 'selfie-1', profileId, userId: 'u1' },
        { profileId, userId: 'u1' },
      ], 'the face match is told whose descriptors to keep; the search runs on them');
      const status = await handle.query(getStatusQuery);
      assert.equal(status.stage, 'MANUAL_REVIEW');
      assert.match(status.reviewReasons.join('; '), /duplicate identity: the same face \(distance 0.31\) as profile profile_face of user u9/);
      assert.deepEqual(status.screening.duplicates, duplicates);
      await recordHistory('kyc-profile.duplicate-face', handle.fetchHistory());
    }, undefined, { duplicates, blocked: null });
    await screened({ listVersion: 'opensanctions:abc', hits: [], problem: null }, async (handle) => {
      const status = await handle.result();
      assert.deepEqual([status.stage, status.failReason], ['REJECTED', 'rejected in manual review']);
      assert.deepEqual([status.decisions[0].adminId, status.decisions[0].kind, status.decisions[0].reasonCode], ['system', 'REJECT_FINAL', 'FRAUD_SUSPECTED']);
      assert.match(status.decisions[0].remark, /blocklisted face: fraud ring/);
      assert.equal(status.screening.blockedFace.reason, 'fraud ring');
      await recordHistory('kyc-profile.blocked-face', handle.fetchHistory());
    }, undefined, { duplicates: [], blocked: { reason: 'fraud ring', addedBy: 'ops', listedAt: '2026-01-01T00:00:00.000Z' } });
  });
});
