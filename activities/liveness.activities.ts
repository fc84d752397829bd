import { metricMeter } from '@temporalio/activity';
import type { Db } from 'mongodb';
import sharp from 'sharp';
import { Readable } from 'node:stream';
import type { FaceDescriptorModel, FaceMatchBands } from '../domain/face-match.js';
import type { FaceMatchSummary, FaceQualityProblem, LivenessActionName, LivenessScoring } from '../domain/liveness.js';
import type { EncryptionKeys } from '../codec/master-keys.js';
import { saveFaceDescriptors } from '../stores/face-descriptors.store.js';
import { fileInfo, readFile, storeUpload } from '../stores/files.store.js';
import { fingerprintCandidates, saveFingerprint } from '../stores/liveness-fingerprints.store.js';
import {
  compareFingerprints,
  fingerprintKeys,
  fingerprintVideo,
  judgePresentation,
  loadDescriber,
  matchFaces,
  NoFaceFound,
  samePerson,
  scoreVideo,
  selfieQualityIssues,
  VideoRejected,
  type VideoRejectionCode,
  type DescriptorOptions,
  type FaceAnalyzer,
  type LivenessPool,
  type LivenessVideoResult,
  type PresentationLimits,
  type RgbImage,
  type VideoFingerprint,
} from '../vision/face/index.js';

export interface FaceSettings {
  descriptorModel: FaceDescriptorModel;
  /** Average each descriptor with its mirror image's (FACE_DESCRIPTOR_FLIP). */
  flip?: boolean;
  bands: FaceMatchBands;
  /** Distance at or below which a selfie is taken for a copy of the document portrait. */
  copyDistance: number;
  presentation: PresentationLimits;
}

export interface LivenessActivityDeps {
  db: Db;
  /** Created on first use: loading the face models takes a moment and not every worker needs them. */
  faceAnalyzer: () => Promise<FaceAnalyzer>;
  face: FaceSettings;
  /** Seals the face match's descriptors for duplicate-face search (the payload master keys). */
  keys: EncryptionKeys;
  /** Worker threads that score a session's clips side by side; without it, one after another here. */
  livenessPool?: LivenessPool;
}

/**
 * Liveness scoring of stored videos and the document-to-selfie face match. Results go into
 * workflow history (encrypted): scores, reasons and file ids only, never images or descriptors.
 */
export function createLivenessActivities({ db, faceAnalyzer, face, keys, livenessPool }: LivenessActivityDeps) {
  const descriptor = async (): Promise<DescriptorOptions> => ({ describer: await loadDescriber(face.descriptorModel, { flip: face.flip ?? false }), align: true });
  return {
    /**
     * Scores each video for its action; unusable videos fail their action with the reason.
     * `mirrored`: the videos are mirror images (a front-camera preview), so left and right swap.
     */
    async scoreLivenessVideos({ actions, fileIds, mirrored = false }: { actions: LivenessActionName[]; fileIds: string[]; mirrored?: boolean }): Promise<LivenessScoring> {
      const opts = { mirrored, descriptor: await descriptor() };
      const started = performance.now();
      const score = livenessPool
        ? (action: LivenessActionName, video: Uint8Array) => livenessPool.score({ action, video, mirrored, descriptorModel: face.descriptorModel, flip: face.flip ?? false })
        : async (action: LivenessActionName, video: Uint8Array) => scoreVideo(await faceAnalyzer(), action, video, opts);
      const scoreOne = async (action: LivenessActionName, i: number): Promise<{ scored: LivenessVideoResult | RejectedVideo; fingerprint: Promise<VideoFingerprint | null> }> => {
        const video = await readFile(db, fileIds[i]!);
        // Decoded on the fingerprint's own grid, on another core while the video is analysed.
        const fingerprint = fingerprintVideo(video).catch((err: unknown) => (err instanceof VideoRejected ? null : Promise.reject(err)));
        fingerprint.catch(() => undefined); // awaited below, unless a clip fails first
        try {
          return { scored: await score(action, video), fingerprint };
        } catch (err) {
          await fingerprint.catch(() => undefined); // no ffmpeg left running behind a failure
          if (!(err instanceof VideoRejected)) throw err;
          return { scored: { action, passed: false, confidence: 0, reason: err.message, rejected: err.code }, fingerprint };
        }
      };
      // On the pool the clips go side by side; here they share one engine, so one after another.
      const outcomes = livenessPool ? await allSettled(actions.map(scoreOne)) : await inOrder(actions, scoreOne);
      const scored = outcomes.map((o) => o.scored);
      const fingerprints = outcomes.map((o) => o.fingerprint);
      await refuseReplays(db, fileIds, scored, await Promise.all(fingerprints));
      metricMeter.createHistogram('kycflow_liveness_duration', 'int', 'ms').record(Math.round(performance.now() - started));
      const usable = scored.filter((s): s is LivenessVideoResult => 'bestFrame' in s || 'presentation' in s);
      // Frames of one session: the lenient no-match bound, in the descriptor's own distance.
      const describer = opts.descriptor.describer;
      const same = usable.length === actions.length ? samePerson(usable, face.bands.noMatch, describer?.distance) : { passed: false, reason: 'not every video shows a usable face' };
      // The identity frame of a passed video; else any (a suspected attack is still compared with the document).
      const frame = (usable.find((s) => s.passed && s.bestFrame) ?? usable.find((s) => s.bestFrame))?.bestFrame?.image;
      return {
        results: scored.map((s) => ({ action: s.action, passed: s.passed, confidence: round(s.confidence), reason: s.reason ?? null })),
        samePerson: { passed: same.passed, reason: same.reason ?? null },
        bestFrameFileId: frame ? await storeFrame(db, frame, fileIds[0]!) : null,
        quality: qualityProblems(scored),
        presentation: judgePresentation(usable.map((s) => s.presentation), face.presentation),
      };
    },

    /**
     * `profileId` and `userId` (given since the `duplicate-faces` patch): both descriptors are then
     * stored sealed for duplicate-face search, replacing the profile's earlier ones.
     */
    async matchDocumentFace({ documentFileId, selfieFileId, profileId, userId }: { documentFileId: string; selfieFileId: string; profileId?: string; userId?: string }): Promise<FaceMatchSummary> {
      const analyzer = await faceAnalyzer();
      const opts = { descriptor: await descriptor(), bands: face.bands, copyDistance: face.copyDistance };
      const model = opts.descriptor.describer?.modelVersion;
      try {
        const { similarity, distance, band, passed, threshold, bands, copyOfPortrait, descriptors } = await matchFaces(analyzer, await readFile(db, documentFileId), await readFile(db, selfieFileId), opts);
        const describer = opts.descriptor.describer;
        if (profileId && userId && describer) await saveFaceDescriptors(db, keys, profileId, userId, { model: describer.modelVersion, metric: describer.metric, ...descriptors });
        return { passed, similarity, distance, threshold, band, bands, model, copyOfPortrait, reason: BAND_REASONS[band] };
      } catch (err) {
        if (!(err instanceof NoFaceFound)) throw err;
        return { passed: false, similarity: null, distance: null, threshold: face.bands.match, band: null, bands: face.bands, model, copyOfPortrait: false, reason: err.message };
      }
    },
  };
}

export type LivenessActivities = ReturnType<typeof createLivenessActivities>;

const BAND_REASONS = {
  match: null,
  review: 'the selfie and the document photo may not show the same person: a reviewer compares them',
  no_match: 'the selfie does not look like the document photo',
} as const;

/**
 * The selfie quality gate: problems the user can fix, per video. A video that shows no face or
 * more than one person is a capture problem too, not a failed liveness.
 */
function qualityProblems(scored: ReadonlyArray<LivenessVideoResult | RejectedVideo>): FaceQualityProblem[] {
  const problems: FaceQualityProblem[] = [];
  scored.forEach((s, i) => {
    const video = i + 1;
    // A file that is no usable video (cut off, not a video, too long) is the capture's problem too:
    // the user sends it again, and it is not counted as a failed attempt.
    if ('rejected' in s) problems.push({ code: `VIDEO_${s.rejected}`, message: s.reason, video });
    if (!('faces' in s)) return;
    if (s.faces.max === 0) problems.push({ code: 'NO_FACE', message: 'no face was seen: keep your whole face in the frame', video });
    else if (s.faces.max > 1) problems.push({ code: 'MULTIPLE_FACES', message: 'more than one face was seen: make sure only you are in view', video });
    else if (s.bestFrame?.quality) problems.push(...selfieQualityIssues(s.bestFrame.quality).map((q) => ({ ...q, video })));
  });
  return problems;
}

type RejectedVideo = { action: LivenessActionName; passed: false; confidence: 0; reason: string; rejected: VideoRejectionCode };

/**
 * Replay defence by content: a video showing the same recording as one scored before (anyone's,
 * however its file was changed) or as another video of this request fails its action. Then every
 * fingerprinted video is remembered; keyed by file id, so a retried scoring finds only the others.
 */
async function refuseReplays(db: Db, fileIds: string[], scored: Array<LivenessVideoResult | RejectedVideo>, fingerprints: Array<VideoFingerprint | null>): Promise<void> {
  const videos = fingerprints.flatMap((fingerprint, i) => (fingerprint ? [{ i, fingerprint, keys: fingerprintKeys(fingerprint) }] : []));
  for (const { i, fingerprint, keys } of videos) {
    const twin = videos.find((other) => other.i < i && compareFingerprints(fingerprint, other.fingerprint).replay);
    const earlier = twin ? undefined : (await fingerprintCandidates(db, keys, fileIds)).find((c) => compareFingerprints(fingerprint, c.fingerprint).replay);
    const reason = twin ? `the same recording as video${twin.i + 1}; record each action on its own` : earlier ? 'this recording was used before; record a new video' : null;
    if (reason) scored[i] = { ...scored[i]!, passed: false, reason };
  }
  const owner = (await fileInfo(db, fileIds[0]!))?.owner.userId ?? 'unknown';
  await Promise.all(videos.map(({ i, fingerprint, keys }) => saveFingerprint(db, fileIds[i]!, owner, keys, fingerprint)));
}

/**
 * The selfie frame goes to storage like any upload (JPEG), so face match and reviewers can use it.
 * It belongs to whoever the videos belong to: the profile's user sees it, nobody else does.
 */
async function storeFrame(db: Db, frame: RgbImage, videoFileId: string): Promise<string> {
  const video = await fileInfo(db, videoFileId);
  if (!video) throw new Error(`liveness video ${videoFileId} is not stored`);
  const jpeg = await sharp(Buffer.from(frame.data), { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  const owner = { userId: video.owner.userId, ...(video.owner.profileId ? { profileId: video.owner.profileId } : {}), purpose: 'selfie-frame' };
  const stored = await storeUpload(db, Readable.from([jpeg]), { field: 'selfieFrame', owner, accept: ['image/jpeg'] });
  return stored.fileId;
}

/** Promise.all that waits for every clip before failing, so no scoring is left running behind. */
async function allSettled<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function inOrder<T, R>(items: T[], fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const [i, item] of items.entries()) out.push(await fn(item, i));
  return out;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
