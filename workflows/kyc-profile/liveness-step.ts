import { ApplicationFailure, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { LivenessActivities } from '../../activities/liveness.activities.js';
import { DocumentReviewStatus } from '../../domain/kyc-document.js';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import type { KycStage } from '../../domain/kyc-stage.js';
import { drawActions, type LivenessSession } from '../../domain/liveness.js';
import { livenessCallbackSignal, startLivenessUpdate, verifyLivenessUpdate } from '../kyc-profile.messages.js';

import { visionTaskQueueOf } from '../../domain/task-queues.js';

/** Liveness scoring and face match run on the vision worker's queue (named after this workflow's queue). */
const vision = () => proxyActivities<LivenessActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3 },
  taskQueue: visionTaskQueueOf(workflowInfo().taskQueue),
});

export interface LivenessContext {
  status: KycStatusDto;
  sessionTtlMs: number;
  /** After this many failed sessions the profile goes to manual review instead of another try. */
  maxAttempts: number;
  moveTo(stage: KycStage): Promise<void>;
  publish(): Promise<void>;
  now(): string;
}

function refuse(message: string): never {
  throw ApplicationFailure.create({ message, type: 'StepRefused', nonRetryable: true });
}

export function registerLivenessStep(ctx: LivenessContext): void {
  const state = () => (ctx.status.liveness ??= { sessions: [], callbacks: [] });
  const session = (sessionId: string) => state().sessions.find((s) => s.sessionId === sessionId);
  const active = () => state().sessions.find((s) => s.status === 'ACTIVE' || s.status === 'VERIFYING');

  setHandler(startLivenessUpdate, async () => {
    const open = active();
    if (open) return open; // one session at a time: a repeated start gets the open one
    const created = ctx.now();
    const fresh: LivenessSession = {
      sessionId: uuid4(),
      actions: drawActions(Math.random), // the workflow's seeded random: replays draw the same
      status: 'ACTIVE',
      createdAt: created,
      expiresAt: new Date(Date.parse(created) + ctx.sessionTtlMs).toISOString(),
      results: null,
      confidence: null,
      samePerson: null,
      reasons: [],
      verifiedAt: null,
    };
    state().sessions.push(fresh);
    void expireLater(fresh);
    await ctx.publish();
    return fresh;
  }, {
    validator: () => {
      if (ctx.status.stage !== 'LIVENESS') refuse(`liveness can start only after the document is submitted (profile stage: ${ctx.status.stage})`);
    },
  });

  /** The five-minute timer of a session. */
  async function expireLater(s: LivenessSession): Promise<void> {
    await sleep(ctx.sessionTtlMs);
    if (s.status !== 'ACTIVE') return;
    s.status = 'EXPIRED';
    await ctx.publish();
  }

  setHandler(verifyLivenessUpdate, async ({ sessionId, videoFileIds, mirrored }) => {
    const s = session(sessionId)!;
    s.status = 'VERIFYING';
    const scoring = await vision().scoreLivenessVideos({ actions: s.actions, fileIds: videoFileIds, mirrored: mirrored ?? false });
    s.results = scoring.results;
    s.samePerson = scoring.samePerson;
    s.confidence = Math.min(...scoring.results.map((r) => r.confidence));
    s.reasons = [...scoring.results.filter((r) => !r.passed).map((r) => `${r.action}: ${r.reason ?? 'not detected'}`)];
    if (!scoring.samePerson.passed) s.reasons.push(scoring.samePerson.reason ?? 'the videos show different people');
    s.status = s.reasons.length === 0 ? 'PASSED' : 'FAILED';
    s.verifiedAt = ctx.now();

    if (s.status === 'PASSED') {
      const front = ctx.status.document?.frontFileId ?? null;
      ctx.status.faceMatch = scoring.bestFrameFileId && front
        ? await vision().matchDocumentFace({ documentFileId: front, selfieFileId: scoring.bestFrameFileId })
        : { passed: false, similarity: null, distance: null, threshold: 0, reason: front ? 'no usable selfie frame' : 'no document photo to compare (metadata-only document)' };
    }
    await decide(s);
    return s;
  }, {
    validator: ({ sessionId, videoFileIds }) => {
      const s = session(sessionId);
      if (!s) refuse('unknown liveness session for this profile');
      if (s.status === 'EXPIRED' || Date.parse(ctx.now()) > Date.parse(s.expiresAt)) refuse('the liveness session has expired; start a new one');
      if (s.status !== 'ACTIVE') refuse(`the liveness session is already ${s.status.toLowerCase()}`);
      if (videoFileIds.length !== s.actions.length) refuse(`send ${s.actions.length} videos, one per action`);
    },
  });

  /**
   * Liveness passed + face match passed + document approved automatically → the provider check;
   * anything else → manual review, with the reasons. A failed liveness may be retried.
   */
  async function decide(s: LivenessSession): Promise<void> {
    if (s.status === 'FAILED') {
      const failures = state().sessions.filter((x) => x.status === 'FAILED').length;
      if (failures < ctx.maxAttempts) return ctx.publish();
      ctx.status.reviewReasons = [`liveness failed ${failures} times`, ...s.reasons];
      return ctx.moveTo('MANUAL_REVIEW');
    }
    const reasons: string[] = [];
    if (!ctx.status.faceMatch?.passed) reasons.push(`face match failed: ${ctx.status.faceMatch?.reason ?? 'the selfie does not match the document photo'}`);
    const docStatus = ctx.status.document?.reviewStatus;
    if (docStatus !== DocumentReviewStatus.AUTO_APPROVED) reasons.push(`the document needs review (submit status ${docStatus})`, ...(ctx.status.document?.reviewReasons ?? []));
    ctx.status.reviewReasons = reasons;
    await ctx.moveTo(reasons.length ? 'MANUAL_REVIEW' : 'PROVIDER_CHECK');
  }

  setHandler(livenessCallbackSignal, (callback) => {
    state().callbacks.push({ ...callback, receivedAt: ctx.now() });
    void ctx.publish();
  });
}
