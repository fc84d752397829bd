import { metricMeter } from '@temporalio/activity';
import type { Db } from 'mongodb';
import sharp from 'sharp';
import { Readable } from 'node:stream';
import type { FaceMatchSummary, LivenessActionName, LivenessScoring } from '../domain/liveness.js';
import { fileInfo, readFile, storeUpload } from '../stores/files.store.js';
import {
  matchFaces,
  NoFaceFound,
  samePerson,
  scoreVideo,
  VideoRejected,
  type FaceAnalyzer,
  type LivenessVideoResult,
  type RgbImage,
} from '../vision/face/index.js';

export interface LivenessActivityDeps {
  db: Db;
  /** Created on first use: loading the face models takes a moment and not every worker needs them. */
  faceAnalyzer: () => Promise<FaceAnalyzer>;
  faceMatchThreshold: number;
}

/** Liveness scoring of stored videos and the document-to-selfie face match. */
export function createLivenessActivities({ db, faceAnalyzer, faceMatchThreshold }: LivenessActivityDeps) {
  return {
    /** Scores each video for its action; unusable videos fail their action with the reason. */
    /** `mirrored`: the videos are mirror images (a front-camera preview), so left and right swap. */
    async scoreLivenessVideos({ actions, fileIds, mirrored = false }: { actions: LivenessActionName[]; fileIds: string[]; mirrored?: boolean }): Promise<LivenessScoring> {
      const analyzer = await faceAnalyzer();
      const started = performance.now();
      const scored: Array<LivenessVideoResult | { action: LivenessActionName; passed: false; confidence: 0; reason: string }> = [];
      for (const [i, action] of actions.entries()) {
        try {
          scored.push(await scoreVideo(analyzer, action, await readFile(db, fileIds[i]!), { mirrored }));
        } catch (err) {
          if (!(err instanceof VideoRejected)) throw err;
          scored.push({ action, passed: false, confidence: 0, reason: err.message });
        }
      }
      metricMeter.createHistogram('kycflow_liveness_duration', 'int', 'ms').record(Math.round(performance.now() - started));
      const usable = scored.filter((s): s is LivenessVideoResult => 'bestFrame' in s);
      const same = usable.length === actions.length ? samePerson(usable) : { passed: false, reason: 'not every video shows a usable face' };
      const frame = usable.find((s) => s.passed && s.bestFrame)?.bestFrame?.image;
      return {
        results: scored.map((s) => ({ action: s.action, passed: s.passed, confidence: round(s.confidence), reason: s.reason ?? null })),
        samePerson: { passed: same.passed, reason: same.reason ?? null },
        bestFrameFileId: frame ? await storeFrame(db, frame, fileIds[0]!) : null,
      };
    },

    async matchDocumentFace({ documentFileId, selfieFileId }: { documentFileId: string; selfieFileId: string }): Promise<FaceMatchSummary> {
      const analyzer = await faceAnalyzer();
      try {
        const result = await matchFaces(analyzer, await readFile(db, documentFileId), await readFile(db, selfieFileId), { threshold: faceMatchThreshold });
        return { ...result, reason: result.passed ? null : 'the selfie does not match the document photo' };
      } catch (err) {
        if (!(err instanceof NoFaceFound)) throw err;
        return { passed: false, similarity: null, distance: null, threshold: faceMatchThreshold, reason: err.message };
      }
    },
  };
}

export type LivenessActivities = ReturnType<typeof createLivenessActivities>;

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

const round = (x: number): number => Math.round(x * 1000) / 1000;
