import { ApplicationFailure, patched, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { LivenessActivities } from '../../activities/liveness.activities.js';
import { DocumentReviewStatus } from '../../domain/kyc-document.js';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import { isFinalStage, type KycStage } from '../../domain/kyc-stage.js';
import { drawActions, MAX_QUALITY_RETRIES, type FaceMatchSummary, type LivenessScoring, type LivenessSession } from '../../domain/liveness.js';
import { DUPLICATE_FACES_PATCH } from '../../domain/screening.js';
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
  /**
   * Other checks that send the case to review (sanctions screening, duplicates); the decision waits
   * for them. Null when there are none (profiles from before them: no extra await on replay).
   */
  extraReviewReasons?: () => Promise<string[]> | null;
  publish(): Promise<void>;
  now(): string;
  /** An open RETRY: sessions before `since` do not count, and the case returns to review with `reason`. */
  resubmission?(): { since: string; reason: string } | null;
}

/**
 * Face match bands, the selfie quality gate and the passive anti-spoofing signal. Histories
 * recorded before it keep the single-threshold decision.
 */
const FACE_CHECKS_PATCH = 'face-bands-quality-antispoof';

function refuse(message: string): never {
  throw ApplicationFailure.create({ message, type: 'StepRefused', nonRetryable: true });
}

export function registerLivenessStep(ctx: LivenessContext) {
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
    const checks = patched(FACE_CHECKS_PATCH);
    if (checks && needsRetry(scoring)) {
      // A capture problem the user can fix: tell them what, and do not count a failed attempt.
      s.status = 'RETRY';
      s.results = scoring.results;
      s.quality = scoring.quality;
      s.reasons = (scoring.quality ?? []).map((q) => (q.video ? `video ${q.video}: ${q.message}` : q.message));
      s.verifiedAt = ctx.now();
      await ctx.publish();
      return s;
    }
    if (checks) s.presentation = scoring.presentation ?? null;
    s.results = scoring.results;
    s.samePerson = scoring.samePerson;
    s.confidence = Math.min(...scoring.results.map((r) => r.confidence));
    s.reasons = [...scoring.results.filter((r) => !r.passed).map((r) => `${r.action}: ${r.reason ?? 'not detected'}`)];
    if (!scoring.samePerson.passed) s.reasons.push(scoring.samePerson.reason ?? 'the videos show different people');
    s.status = s.reasons.length === 0 ? 'PASSED' : 'FAILED';
    s.verifiedAt = ctx.now();
    s.bestFrameFileId = scoring.bestFrameFileId;

    if (s.status === 'PASSED' || (checks && s.presentation?.suspected)) {
      const front = ctx.status.document?.frontFileId ?? null;
      ctx.status.faceMatch = scoring.bestFrameFileId && front
        ? await vision().matchDocumentFace(faceMatchInput(front, scoring.bestFrameFileId))
        : { passed: false, similarity: null, distance: null, threshold: 0, reason: front ? 'no usable selfie frame' : 'no document photo to compare (metadata-only document)' };
    }
    // The profile moved on while the videos were scored (expired, or a RETRY withdrawn): keep the result only.
    if (ctx.status.stage !== 'LIVENESS') await ctx.publish();
    else if (checks) await decideWithFaceChecks(s);
    else await decide(s);
    return s;
  }, {
    validator: ({ sessionId, videoFileIds }) => {
      const s = session(sessionId);
      if (!s) refuse('unknown liveness session for this profile');
      // A session opened in a RETRY that was withdrawn (or a profile decided meanwhile): the videos
      // would replace the evidence a reviewer decided on. (Validators do not run on replay.)
      if (ctx.status.stage !== 'LIVENESS') refuse(`the profile no longer takes liveness videos (profile stage: ${ctx.status.stage})`);
      if (s.status === 'EXPIRED' || Date.parse(ctx.now()) > Date.parse(s.expiresAt)) refuse('the liveness session has expired; start a new one');
      if (s.status === 'RETRY') refuse('the liveness session is already closed: start a new session');
      if (s.status !== 'ACTIVE') refuse(`the liveness session is already ${s.status.toLowerCase()}`);
      if (videoFileIds.length !== s.actions.length) refuse(`send ${s.actions.length} videos, one per action`);
    },
  });

  /**
   * Liveness passed + face match passed + document approved automatically → the provider check;
   * anything else → manual review, with the reasons. A failed liveness may be retried.
   */
  async function decide(s: LivenessSession): Promise<void> {
    const round = ctx.resubmission?.() ?? null;
    if (s.status === 'FAILED') {
      const failures = state().sessions.filter((x) => x.status === 'FAILED' && (!round || x.createdAt >= round.since)).length;
      if (failures < ctx.maxAttempts) return ctx.publish();
      const pending = ctx.extraReviewReasons?.() ?? null;
      const extra = pending ? await pending : [];
      if (pending && isFinalStage(ctx.status.stage)) return; // decided meanwhile (a blocklisted document)
      ctx.status.reviewReasons = [...(round ? [round.reason] : []), `liveness failed ${failures === 1 ? 'once' : `${failures} times`}`, ...s.reasons, ...extra];
      return ctx.moveTo('MANUAL_REVIEW');
    }
    const reasons = legacyReasons(round?.reason ?? null);
    const pending = ctx.extraReviewReasons?.() ?? null;
    if (pending) reasons.push(...await pending);
    if (pending && isFinalStage(ctx.status.stage)) return; // decided meanwhile (a blocklisted document)
    ctx.status.reviewReasons = reasons;
    await ctx.moveTo(reasons.length ? 'MANUAL_REVIEW' : 'PROVIDER_CHECK');
  }

  /** Why a passed liveness still needs a reviewer, before the face-checks patch. */
  function legacyReasons(first: string | null): string[] {
    const reasons = first ? [first] : [];
    if (!ctx.status.faceMatch?.passed) reasons.push(`face match failed: ${ctx.status.faceMatch?.reason ?? 'the selfie does not match the document photo'}`);
    const docStatus = ctx.status.document?.reviewStatus;
    if (docStatus !== DocumentReviewStatus.AUTO_APPROVED) reasons.push(`the document needs review (submit status ${docStatus})`, ...(ctx.status.document?.reviewReasons ?? []));
    return reasons;
  }

  /** Why a passed liveness still needs a reviewer, with the face match bands (none: on to the provider). */
  function reasonsWithBands(first: string | null): string[] {
    const reasons = first ? [first] : [];
    const face = faceMatchReason(ctx.status.faceMatch);
    if (face) reasons.push(face);
    const docStatus = ctx.status.document?.reviewStatus;
    if (docStatus !== DocumentReviewStatus.AUTO_APPROVED) reasons.push(`the document needs review (submit status ${docStatus})`);
    return reasons;
  }

  /** Quality problems make a retry, until a user has had MAX_QUALITY_RETRIES of them. */
  function needsRetry(scoring: LivenessScoring): boolean {
    if (!scoring.quality?.length || scoring.presentation?.suspected) return false;
    return state().sessions.filter((x) => x.status === 'RETRY').length < MAX_QUALITY_RETRIES;
  }

  /**
   * A suspected presentation attack → manual review at once, with the reason (never approved,
   * no further tries to tune the attack). Otherwise as `decide`, with the face match bands: only
   * `match` goes on; `review` and `no_match` go to a reviewer, `no_match` flagged.
   */
  async function decideWithFaceChecks(s: LivenessSession): Promise<void> {
    const round = ctx.resubmission?.() ?? null;
    const attack = [...(s.presentation?.reasons ?? [])];
    if (ctx.status.faceMatch?.copyOfPortrait) attack.push('the selfie is a copy of the document portrait (a photo of the document held to the camera)');
    if (attack.length) {
      const pending = ctx.extraReviewReasons?.() ?? null;
      const extra = pending ? await pending : [];
      if (pending && isFinalStage(ctx.status.stage)) return; // decided meanwhile (a blocklisted document)
      ctx.status.reviewReasons = [...(round ? [round.reason] : []), ...attack.map((r) => `presentation attack suspected: ${r}`)];
      if (s.status === 'FAILED') ctx.status.reviewReasons.push(...s.reasons);
      ctx.status.reviewReasons.push(...extra);
      return ctx.moveTo('MANUAL_REVIEW');
    }
    if (s.status === 'FAILED') return decide(s);
    const reasons = reasonsWithBands(round?.reason ?? null);
    const pending = ctx.extraReviewReasons?.() ?? null;
    if (pending) reasons.push(...await pending);
    if (pending && isFinalStage(ctx.status.stage)) return; // decided meanwhile (a blocklisted document)
    ctx.status.reviewReasons = reasons;
    await ctx.moveTo(reasons.length ? 'MANUAL_REVIEW' : 'PROVIDER_CHECK');
  }

  /** With the profile named (DUPLICATE_FACES_PATCH), the activity keeps the descriptors for duplicate search. */
  function faceMatchInput(documentFileId: string, selfieFileId: string) {
    const owner = patched(DUPLICATE_FACES_PATCH) ? { profileId: ctx.status.profileId, userId: ctx.status.userId } : {};
    return { documentFileId, selfieFileId, ...owner };
  }

  /** The latest passed session's selfie frame, reusable for a resubmitted document. */
  const reusableSelfie = () => [...state().sessions].reverse().find((x) => x.status === 'PASSED' && x.bestFrameFileId)?.bestFrameFileId ?? null;

  setHandler(livenessCallbackSignal, (callback) => {
    state().callbacks.push({ ...callback, receivedAt: ctx.now() });
    void ctx.publish();
  });

  return {
    canReuseSelfie: (): boolean => reusableSelfie() !== null && !!ctx.status.document?.frontFileId,
    /** Matches the (new) document photo against the kept selfie frame. */
    async rematchFace(): Promise<void> {
      const selfie = reusableSelfie();
      const front = ctx.status.document?.frontFileId;
      if (selfie && front) ctx.status.faceMatch = await vision().matchDocumentFace(faceMatchInput(front, selfie));
    },
    /** The review reasons after a rematch, as the decision in force gives them. */
    reviewReasons: (first: string): string[] => (patched(FACE_CHECKS_PATCH) ? reasonsWithBands(first) : legacyReasons(first)),
  };
}

/** The review reason a face match gives, with the score a reviewer needs; null for a match. */
function faceMatchReason(m: FaceMatchSummary | null): string | null {
  if (!m) return 'face match failed: no face match result';
  if (m.band === 'match' || (m.band === undefined && m.passed)) return null;
  if (m.band === 'no_match') return `face match: NO MATCH (strong flag): similarity ${m.similarity}, distance ${m.distance} (no-match above ${m.bands?.noMatch})`;
  if (m.band === 'review') return `face match: needs review: similarity ${m.similarity}, distance ${m.distance} (match at or below ${m.bands?.match})`;
  return `face match failed: ${m.reason ?? 'nothing to compare'}`;
}
