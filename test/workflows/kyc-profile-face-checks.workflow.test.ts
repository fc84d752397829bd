// The liveness decision with face match bands, the selfie quality gate and the passive
// anti-spoofing signal (patch 'face-bands-quality-antispoof'), on fake activities.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DocumentRead } from '../../domain/kyc-document.js';
import { MAX_QUALITY_RETRIES, type FaceMatchSummary, type LivenessActionName, type LivenessScoring, type PresentationCheck } from '../../domain/liveness.js';
import { confirmDocumentUpdate, getStatusQuery, startLivenessUpdate, submitDocumentUpdate, uploadDocumentUpdate, verifyLivenessUpdate } from '../../workflows/kyc-profile.messages.js';
import { kycProfileWorkflow } from '../../workflows/kyc-profile.workflow.js';
import { recordHistory } from '../helpers/histories.js';
import { passingProfileActivities } from '../helpers/profile-fakes.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping, withProfileWorkers } from '../helpers/time-skipping.js';

const mrzRead: DocumentRead = {
  source: 'MRZ', mrzFormat: 'TD3', mrzValid: true, confidence: {}, errors: [],
  fields: { name: 'ERIKSSON ANNA MARIA', idNumber: 'L898902C3', birthDate: '1974-08-12', expiryDate: '2034-04-15', issuer: 'UTO', nationality: 'UTO' },
};
const bands = { match: 0.3, noMatch: 0.45 };
const face = (band: 'match' | 'review' | 'no_match', distance: number, extra: Partial<FaceMatchSummary> = {}): FaceMatchSummary => ({
  passed: band === 'match', similarity: 0.5, distance, threshold: bands.match, band, bands, model: 'test-model@1', copyOfPortrait: false, reason: null, ...extra,
});
const noAttack: PresentationCheck = { suspected: false, reasons: [], signals: { moire: 1.2, antispoof: 0.9, liveness: 0.9 } };
const screen: PresentationCheck = { suspected: true, reasons: ['screen replay suspected: moiré'], signals: { moire: 6, antispoof: 0.4, liveness: 0.5 } };
const tooDark = [{ code: 'FACE_TOO_DARK', message: 'your face is too dark: move to a brighter place', video: 2 }];

interface Fakes {
  /** One scoring shape per verify call, in order (the last repeats). */
  sessions: Array<{ passes: boolean; quality?: typeof tooDark; presentation?: PresentationCheck }>;
  face?: FaceMatchSummary;
}

function activities(fakes: Fakes) {
  let call = 0;
  return {
    ...passingProfileActivities(mrzRead),
    scoreLivenessVideos: async ({ actions }: { actions: LivenessActionName[] }): Promise<LivenessScoring> => {
      const s = fakes.sessions[Math.min(call++, fakes.sessions.length - 1)]!;
      return {
        results: actions.map((action) => ({ action, passed: s.passes, confidence: s.passes ? 0.9 : 0.2, reason: s.passes ? null : 'no blink seen' })),
        samePerson: { passed: true, reason: null },
        bestFrameFileId: 'selfie-1',
        quality: s.quality ?? [],
        presentation: s.presentation ?? noAttack,
      };
    },
    matchDocumentFace: async () => fakes.face ?? face('match', 0.2),
  };
}

describe('liveness decision with face bands, quality gate and anti-spoofing', { skip: skipWithoutTimeSkipping, timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  /** Runs `verifies` liveness sessions on a profile whose document was approved; returns the status once settled. */
  async function run(fakes: Fakes, verifies: number, record?: string): Promise<{ status: any; answers: any[] }> {
    const taskQueue = `face-checks-${++n}`;
    return withProfileWorkers(env, taskQueue, activities(fakes), async () => {
      const handle: any = await env.client.workflow.start(kycProfileWorkflow, {
        workflowId: `kyc-profile:face-checks-${n}`,
        taskQueue,
        args: [{ profileId: `profile_${String(n).padStart(24, 'f')}`, userId: 'u1', country: 'SG', ttlMs: 24 * 3_600_000, livenessAttempts: 3, resetWindowMs: 300, reviewSlaMs: 3_600_000 }],
      });
      const { documentId } = await handle.executeUpdate(uploadDocumentUpdate, { args: [{ docType: 'PASSPORT', country: 'SG', frontFileId: 'f1', backFileId: null }] });
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: {}, userModified: false }] });
      await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] });
      const answers = [];
      for (let i = 0; i < verifies; i++) {
        const session = await handle.executeUpdate(startLivenessUpdate);
        answers.push(await handle.executeUpdate(verifyLivenessUpdate, { args: [{ sessionId: session.sessionId, videoFileIds: ['v1', 'v2', 'v3'] }] }));
      }
      let status = await handle.query(getStatusQuery);
      for (let i = 0; i < 60 && status.stage === 'LIVENESS' && answers.at(-1)?.status === 'PASSED'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await handle.query(getStatusQuery);
      }
      if (record) await recordHistory(record, handle.fetchHistory());
      return { status, answers };
    });
  }

  it('a quality problem makes a retry that is not a failed attempt; the next good session goes on', async () => {
    const { status, answers } = await run({ sessions: [{ passes: false, quality: tooDark }, { passes: false, quality: tooDark }, { passes: false, quality: tooDark }, { passes: true }] }, 4, 'kyc-profile.liveness-quality-retry');
    assert.deepEqual(answers.map((a) => a.status), ['RETRY', 'RETRY', 'RETRY', 'PASSED']);
    assert.deepEqual(answers[0].quality, tooDark);
    assert.match(answers[0].reasons[0], /video 2: your face is too dark/);
    assert.notEqual(status.stage, 'MANUAL_REVIEW', 'three retries are not three failed attempts');
    assert.ok(['PROVIDER_CHECK', 'APPROVED'].includes(status.stage), status.stage);
  });

  it(`after ${MAX_QUALITY_RETRIES} retries, poor captures count as failed attempts`, async () => {
    const { answers } = await run({ sessions: [{ passes: false, quality: tooDark }] }, MAX_QUALITY_RETRIES + 1);
    assert.equal(answers.filter((a) => a.status === 'RETRY').length, MAX_QUALITY_RETRIES);
    assert.equal(answers.at(-1).status, 'FAILED');
  });

  it('a suspected screen replay goes to manual review with the reason, even when the actions passed', async () => {
    const { status } = await run({ sessions: [{ passes: true, presentation: screen }] }, 1, 'kyc-profile.liveness-attack-review');
    assert.equal(status.stage, 'MANUAL_REVIEW');
    assert.match(status.reviewReasons.join('; '), /presentation attack suspected: screen replay/);
    assert.equal(status.liveness.sessions[0].presentation.suspected, true);
  });

  it('a suspected attack whose actions failed goes to review at once (no more tries to tune it)', async () => {
    const { status } = await run({ sessions: [{ passes: false, presentation: screen }] }, 1);
    assert.equal(status.stage, 'MANUAL_REVIEW');
    assert.match(status.reviewReasons.join('; '), /presentation attack suspected/);
  });

  it('a selfie that copies the document portrait is a suspected attack', async () => {
    const { status } = await run({ sessions: [{ passes: true }], face: face('match', 0.01, { copyOfPortrait: true }) }, 1);
    assert.equal(status.stage, 'MANUAL_REVIEW');
    assert.match(status.reviewReasons.join('; '), /copy of the document portrait/);
  });

  it('bands: review shows the score, no_match is flagged strongly, match goes on to the provider', async () => {
    const review = await run({ sessions: [{ passes: true }], face: face('review', 0.37) }, 1);
    assert.equal(review.status.stage, 'MANUAL_REVIEW');
    assert.match(review.status.reviewReasons.join('; '), /needs review: similarity 0.5, distance 0.37/);
    const noMatch = await run({ sessions: [{ passes: true }], face: face('no_match', 0.7) }, 1);
    assert.equal(noMatch.status.stage, 'MANUAL_REVIEW', 'never rejected on the face alone');
    assert.match(noMatch.status.reviewReasons.join('; '), /NO MATCH \(strong flag\)/);
    const match = await run({ sessions: [{ passes: true }], face: face('match', 0.2) }, 1);
    assert.ok(['PROVIDER_CHECK', 'APPROVED'].includes(match.status.stage), match.status.stage);
  });
});
