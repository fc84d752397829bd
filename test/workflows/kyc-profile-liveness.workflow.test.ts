import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ProviderVerdict } from '../../activities/provider.activities.js';
import type { DocumentRead } from '../../domain/kyc-document.js';
import { LIVENESS_ACTIONS, type FaceMatchSummary, type LivenessActionName, type LivenessScoring } from '../../domain/liveness.js';
import {
  adminDecisionSignal,
  confirmDocumentUpdate,
  getStatusQuery,
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
  fields: { name: 'ERIKSSON ANNA MARIA', idNumber: 'L898902C3', birthDate: '1974-08-12', expiryDate: '2034-04-15', issuer: 'UTO', nationality: 'UTO' },
};
const facePass: FaceMatchSummary = { passed: true, similarity: 0.8, distance: 0.2, threshold: 0.425, reason: null };

interface Fakes {
  livenessPasses?: boolean;
  face?: FaceMatchSummary;
  verdict?: ProviderVerdict;
}

/** Fake activities: this suite is about the workflow's decisions (the engines have their own tests). */
function activities(fakes: Fakes) {
  return {
    ...passingProfileActivities(mrzRead),
    scoreLivenessVideos: async ({ actions }: { actions: LivenessActionName[] }): Promise<LivenessScoring> => ({
      results: actions.map((action) => ({ action, passed: fakes.livenessPasses ?? true, confidence: fakes.livenessPasses === false ? 0.2 : 0.9, reason: fakes.livenessPasses === false ? 'no blink seen' : null })),
      samePerson: { passed: true, reason: null },
      bestFrameFileId: 'selfie-1',
    }),
    matchDocumentFace: async () => fakes.face ?? facePass,
    awaitProviderDecision: async () => fakes.verdict ?? { outcome: 'APPROVED' as const, polls: 3 },
  };
}

describe('kycProfileWorkflow liveness and decision (time-skipping server)', { skip: skipWithoutTimeSkipping, timeout: 90_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  /** A profile whose document was approved automatically, now waiting for liveness. */
  async function atLiveness<T>(fakes: Fakes, body: (handle: any) => Promise<T>, extra: object = {}): Promise<T> {
    // (handles are `any` here: the suite drives several message types through one helper)
    const taskQueue = `live-${++n}`;
    return withProfileWorkers(env, taskQueue, activities(fakes), async () => {
      const handle: any = await env.client.workflow.start(kycProfileWorkflow, {
        workflowId: `kyc-profile:live-${n}`,
        taskQueue,
        // Short windows, waited in real time: the Java test server stops skipping time once a
        // workflow has received Updates, so these tests do not rely on skipping.
        args: [{ profileId: `profile_${String(n).padStart(24, 'a')}`, userId: 'u1', country: 'SG', ttlMs: 24 * 3_600_000, livenessSessionTtlMs: 1_500, resetWindowMs: 300, reviewSlaMs: 3_600_000, ...extra }],
      });
      const { documentId } = await handle.executeUpdate(uploadDocumentUpdate, { args: [{ docType: 'PASSPORT', country: 'SG', frontFileId: 'f1', backFileId: null }] });
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: {}, userModified: false }] });
      await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] });
      return body(handle);
    });
  }
  const videos = ['v1', 'v2', 'v3'];

  it('draws three distinct actions per session and returns the open session on a repeated start', async () => {
    await atLiveness({}, async (handle) => {
      const session = await handle.executeUpdate(startLivenessUpdate);
      assert.equal(session.actions.length, 3);
      assert.equal(new Set(session.actions).size, 3);
      for (const action of session.actions) assert.ok((LIVENESS_ACTIONS as readonly string[]).includes(action));
      assert.equal(Date.parse(session.expiresAt) - Date.parse(session.createdAt), 1_500);
      assert.equal((await handle.executeUpdate(startLivenessUpdate)).sessionId, session.sessionId);
    });
  });

  it('expires a session when its timer fires; verifying it then is refused', async () => {
    await atLiveness({}, async (handle) => {
      const session = await handle.executeUpdate(startLivenessUpdate);
      await new Promise((r) => setTimeout(r, 2_500));
      const status = await handle.query(getStatusQuery);
      assert.equal(status.liveness.sessions[0].status, 'EXPIRED');
      await assert.rejects(
        handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] }),
        (err: unknown) => err instanceof WorkflowUpdateFailedError && /expired/.test(String(err.cause?.message)),
      );
      const fresh = await handle.executeUpdate(startLivenessUpdate);
      assert.notEqual(fresh.sessionId, session.sessionId, 'a new session can start');
    });
  });

  it('liveness + face match + auto-approved document → provider check → approved', async () => {
    await atLiveness({}, async (handle) => {
      const session = await handle.executeUpdate(startLivenessUpdate);
      const verified = await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] });
      assert.equal(verified.status, 'PASSED');
      const result = await handle.result();
      assert.equal(result.stage, 'APPROVED');
      assert.equal(result.provider.outcome, 'APPROVED');
      assert.equal(result.faceMatch.passed, true);
      await assert.rejects(handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] }));
      await recordHistory('kyc-profile.provider-approved.local-projection', handle.fetchHistory());
    });
  });

  it('the provider rejection reason becomes the fail reason', async () => {
    await atLiveness({ verdict: { outcome: 'REJECTED', failReason: 'document forged', polls: 2 } }, async (handle) => {
      const session = await handle.executeUpdate(startLivenessUpdate);
      await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] });
      const result = await handle.result();
      assert.deepEqual([result.stage, result.failReason], ['REJECTED', 'document forged']);
    });
  });

  it('a provider deadline, a face mismatch, or three failed liveness sessions go to manual review with reasons', async () => {
    const cases: Array<[Fakes, number, RegExp]> = [
      [{ verdict: { outcome: 'DEADLINE', polls: 40 } }, 1, /did not decide in time/],
      [{ face: { passed: false, similarity: 0.1, distance: 0.9, threshold: 0.425, reason: 'the selfie does not match the document photo' } }, 1, /face match failed/],
      [{ livenessPasses: false }, 3, /liveness failed 3 times/],
    ];
    for (const [fakes, sessions, reason] of cases) {
      await atLiveness(fakes, async (handle) => {
        for (let i = 0; i < sessions; i++) {
          const session = await handle.executeUpdate(startLivenessUpdate);
          await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] });
        }
        let status = await handle.query(getStatusQuery);
        for (let i = 0; i < 50 && status.stage !== 'MANUAL_REVIEW'; i++) {
          await new Promise((r) => setTimeout(r, 50));
          status = await handle.query(getStatusQuery);
        }
        assert.equal(status.stage, 'MANUAL_REVIEW');
        assert.match(status.reviewReasons.join('; '), reason);
      });
    }
  });

  it('legacy decision signals: reject, an approval that does not fit is ignored, reset, four eyes on the high-risk approval; closes after the reset window', async () => {
    await atLiveness({ face: { passed: false, similarity: 0.2, distance: 0.8, threshold: 0.4, reason: 'the selfie does not match the document photo' } }, async (handle) => {
      const session = await handle.executeUpdate(startLivenessUpdate);
      await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] });
      assert.equal((await handle.query(getStatusQuery)).stage, 'MANUAL_REVIEW', 'the verify update returns after the decision');
      await handle.signal(adminDecisionSignal, { adminId: 'ops', status: -1, remark: null });
      await handle.signal(adminDecisionSignal, { adminId: 'ops', status: 2, remark: 'ignored: not in review any more' });
      await handle.signal(adminDecisionSignal, { adminId: 'ops', status: 0, remark: 'second look' });
      await handle.signal(adminDecisionSignal, { adminId: 'ops', status: 2, remark: 'checked by hand' });
      await handle.signal(adminDecisionSignal, { adminId: 'ops', status: 2, remark: 'ignored: the same admin cannot confirm' });
      const pending = await handle.query(getStatusQuery);
      assert.deepEqual([pending.stage, pending.review.pendingApproval?.reviewerId], ['MANUAL_REVIEW', 'ops'], 'a face mismatch needs four eyes');
      await handle.signal(adminDecisionSignal, { adminId: 'ops_lead', status: 2, remark: 'confirmed' });
      const result = await handle.result();
      assert.equal(result.stage, 'APPROVED');
      assert.deepEqual(result.decisions.map((d: any) => [d.adminId, d.status, d.remark]), [['ops', -1, null], ['ops', 0, 'second look'], ['ops_lead', 2, 'confirmed']], 'decisions that did not fit were ignored');
      assert.equal(result.decisions[2].confirms, 'ops');
      await recordHistory('kyc-profile.legacy-signal-four-eyes', handle.fetchHistory());
    });
  });

  it('flags a case overdue when manual review outlasts its SLA, without deciding it', async () => {
    const face = { passed: false, similarity: 0.2, distance: 0.8, threshold: 0.4, reason: 'mismatch' };
    await atLiveness({ face }, async (handle) => {
      const session = await handle.executeUpdate(startLivenessUpdate);
      await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: videos }] });
      let status = await handle.query(getStatusQuery);
      for (let i = 0; i < 60 && !status.reviewOverdue; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await handle.query(getStatusQuery);
      }
      assert.equal(status.reviewOverdue, true);
      assert.equal(status.stage, 'MANUAL_REVIEW', 'nothing is decided by time');
      const described = await handle.describe();
      assert.equal(described.searchAttributes.ReviewOverdue?.[0], true);
    }, { reviewSlaMs: 500 });
  });
});
