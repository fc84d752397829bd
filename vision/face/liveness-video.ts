import type { FaceAnalyzer } from './face-analyzer.js';
import { refineEyelids } from './blink-refine.js';
import { refineSmile } from './smile-refine.js';
import { embedFaceAt, type DescriptorOptions } from './face-embed.js';
import { extractFrames, type ExtractedFrames, type FrameExtractionOptions, type VideoFrame, type VideoInput } from './ffmpeg-frames.js';
import { scoreAction, type ActionScore, type FrameFaces, type LivenessAction, type ScoreOptions } from './liveness-actions.js';
import { measureFaceQuality, prominentFaceCount, type FaceQualityMeasures } from './face-quality.js';
import { SpectrumAccumulator } from './moire.js';
import type { RgbImage } from './rgb-image.js';
import { median } from './series.js';
import { loadSpoofModels } from './spoof-models.js';

/**
 * What each action needs from the video. A full blink lasts ~0.1–0.3 s, so BLINK samples at
 * 10 fps and refines the eyelids with the iris model; head and mouth movements last seconds
 * and 5 fps without the optional models keeps three 5 s clips within a few seconds of CPU.
 * The optional models run only on the frames where they can change the outcome: the iris
 * model around candidate blinks (blink-refine.ts), the expression model on the frames where
 * the mouth widens most (smile-refine.ts).
 */
export const ACTION_PROFILES: Record<LivenessAction, { fps: number; iris: boolean; emotion: boolean }> = {
  BLINK: { fps: 10, iris: true, emotion: false },
  SMILE: { fps: 5, iris: false, emotion: true },
  TURN_LEFT: { fps: 5, iris: false, emotion: false },
  TURN_RIGHT: { fps: 5, iris: false, emotion: false },
  NOD: { fps: 5, iris: false, emotion: false },
  OPEN_MOUTH: { fps: 5, iris: false, emotion: false },
};

/**
 * The face detector runs at least this often (a detector frame costs ~75–90 ms, a followed one
 * ~45 ms); in between, faces are followed from the previous frame's mesh. A frame that loses a
 * face is re-detected at once, so only a second face that enters is seen late, by at most this
 * long (0.4 → 0.8 s: three clips 8.9 → 7.1 s, the same results; README).
 */
export const DETECT_EVERY_S = 0.8;

export interface LivenessVideoOptions extends ScoreOptions {
  extraction?: FrameExtractionOptions;
  /** How the identity frame is described (the same as face match uses, so distances compare). */
  descriptor?: DescriptorOptions;
}

/** Presentation-attack evidence of one video (see presentation-attack.ts for how it is judged). */
export interface PresentationSignals {
  /**
   * Strongest isolated spectral peak around the face, summed over the frames (moire.ts). When no
   * frame showed a face, the same measure on the middle of the picture (where the user is asked
   * to hold the face): a screen or print that hides the face from the detector still shows its
   * pattern there.
   */
  moire: number;
  /** No frame showed a face: `moire` was measured on the middle of the picture. */
  faceless?: boolean;
  /** Median over a few frames of the `antispoof` and `liveness` models' real-face scores. */
  antispoof: number | null;
  liveness: number | null;
}

export interface LivenessVideoResult extends ActionScore {
  /**
   * The identity frame (see `bestFrameIndex`), its face descriptor (for same-person and face
   * match) and how good a picture of the face it is (the quality gate).
   */
  bestFrame?: { timeS: number; image: RgbImage; embedding?: Float32Array; quality?: FaceQualityMeasures };
  presentation: PresentationSignals;
  /**
   * extractMs is ffmpeg's wall time, overlapping the analysis (which starts on the first decoded
   * frame) and, in `scoreVideos`, the previous video's analysis.
   */
  timings: { extractMs: number; analyseMs: number; embedMs: number };
}

/** Extracts, analyses and scores one liveness video; throws VideoRejected for unusable files. */
export async function scoreVideo(
  analyzer: FaceAnalyzer,
  action: LivenessAction,
  video: VideoInput,
  opts: LivenessVideoOptions = {},
): Promise<LivenessVideoResult> {
  const [result] = await scoreVideos(analyzer, [{ action, video }], opts);
  return result as LivenessVideoResult;
}

/**
 * Scores a session's videos in order. ffmpeg decodes in a child process, so decoding the next
 * clip overlaps with analysing the current one (the WASM backend uses one core). Throws the
 * first VideoRejected, in input order, once all extractions have settled.
 */
export async function scoreVideos(
  analyzer: FaceAnalyzer,
  items: ReadonlyArray<{ action: LivenessAction; video: VideoInput }>,
  opts: LivenessVideoOptions = {},
): Promise<LivenessVideoResult[]> {
  // One ffmpeg at a time, each starting when the previous finishes: the first clip is not slowed
  // by the others, and the rest decode on the second core while the first is analysed. Each
  // clip's frames are analysed as they are decoded.
  const queues = items.map(() => new FrameQueue());
  const extractions: Array<Promise<Timed<ExtractedFrames>>> = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (const [i, { action }] of items.entries()) {
    const queue = queues[i] as FrameQueue;
    const extraction = { fps: ACTION_PROFILES[action].fps, ...opts.extraction, onFrame: (f: VideoFrame) => queue.push(f) };
    const next = previous.then(() => timed(() => extractFrames(items[i]!.video, extraction)));
    const ended = next.then(
      () => queue.end(),
      () => queue.end(),
    );
    extractions.push(next);
    previous = ended;
  }
  const settled = Promise.allSettled(extractions);
  const results: LivenessVideoResult[] = [];
  try {
    for (const [i, item] of items.entries()) {
      const analysed = await analyseFrames(analyzer, item.action, queues[i] as FrameQueue, opts);
      const { value, ms } = await (extractions[i] as Promise<Timed<ExtractedFrames>>);
      results.push(await scoreAnalysed(analyzer, item.action, value.frames, analysed, opts, ms));
    }
  } catch (err) {
    await settled; // leave no ffmpeg running behind a rejection
    throw err;
  }
  return results;
}

/** Frames handed from the decoder to the analysis as they come. */
class FrameQueue {
  private readonly frames: VideoFrame[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(frame: VideoFrame): void {
    this.frames.push(frame);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<VideoFrame> {
    for (let i = 0; ; i++) {
      while (i >= this.frames.length && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
      const frame = this.frames[i];
      if (!frame) return;
      yield frame;
    }
  }
}

interface Analysed {
  frames: VideoFrame[];
  faces: FrameFaces[];
  spectrum: SpectrumAccumulator;
  /** The middle of the frames that showed no face (used only when none did). */
  centre: SpectrumAccumulator;
  /** From the first frame's arrival to the end of the analysis. */
  ms: number;
}

/** The first pass: every frame, the detector at least every DETECT_EVERY_S, no optional model. */
async function analyseFrames(analyzer: FaceAnalyzer, action: LivenessAction, queue: FrameQueue, opts: ScoreOptions): Promise<Analysed> {
  const profile = ACTION_PROFILES[action];
  // The iris and expression models run afterwards, on the few frames where they can matter.
  const models = { iris: false, emotion: false };
  const frames: VideoFrame[] = [];
  let faces: FrameFaces[] = [];
  const track = {};
  let lastDetected = -Infinity;
  let started: number | undefined;
  const spectrum = new SpectrumAccumulator();
  const centre = new SpectrumAccumulator();
  for await (const frame of queue) {
    started ??= Date.now();
    const detector = frame.timeS - lastDetected >= DETECT_EVERY_S - 1e-6;
    if (detector) lastDetected = frame.timeS;
    frames.push(frame);
    const found = await analyzer.analyze(frame, { ...models, track, detector });
    faces.push({ timeS: frame.timeS, faces: found });
    // Every third frame is plenty: a screen's moiré stays, the scene's noise averages out.
    if (found.length === 1 && frames.length % 3 === 1) spectrum.add(frame, found[0]!.box);
    if (found.length === 0 && frames.length % 3 === 1) centre.add(frame, middleOf(frame));
  }
  started ??= Date.now();
  if (profile.iris) faces = await refineEyelids(analyzer, frames, faces, { ...models, iris: true }, DETECT_EVERY_S, opts.thresholds);
  if (profile.emotion) faces = await refineSmile(analyzer, frames, faces, { ...models, emotion: true }, opts.thresholds);
  return { frames, faces, spectrum, centre, ms: Date.now() - started };
}

/** A face-sized box in the middle of the frame. */
function middleOf(frame: RgbImage): { x: number; y: number; width: number; height: number } {
  return { x: frame.width / 2 - 1, y: frame.height / 2 - 1, width: 2, height: 2 };
}

async function scoreAnalysed(
  analyzer: FaceAnalyzer,
  action: LivenessAction,
  frames: VideoFrame[],
  analysed: Analysed,
  opts: LivenessVideoOptions,
  extractMs: number,
): Promise<LivenessVideoResult> {
  // The decoder hands over exactly the frames it returns.
  if (analysed.frames.length !== frames.length) throw new Error(`analysed ${analysed.frames.length} of ${frames.length} frames`);
  const t2 = Date.now();
  const score = scoreAction(action, analysed.faces, opts);
  const best = frames[score.bestFrameIndex];
  const bestFace = analysed.faces[score.bestFrameIndex]?.faces[0];
  let bestFrame: LivenessVideoResult['bestFrame'];
  if (best && bestFace) {
    // Same descriptor path as face match (crop around the face, then describe), so one
    // threshold scale serves both; the analysis already located the face.
    const described = await embedFaceAt(analyzer, best, bestFace.box, opts.descriptor);
    const faceCount = prominentFaceCount(analysed.faces[score.bestFrameIndex]?.faces.map((f) => f.box) ?? []);
    const quality = described?.crop ? measureFaceQuality({ box: bestFace.box, crop: described.crop, face: described.face }, faceCount) : undefined;
    bestFrame = { timeS: best.timeS, image: best, ...(described ? { embedding: described.embedding } : {}), ...(quality ? { quality } : {}) };
  }
  const presentation = await presentationSignals(frames, analysed, score.bestFrameIndex);
  const timings = { extractMs, analyseMs: analysed.ms, embedMs: Date.now() - t2 };
  return { ...score, ...(bestFrame ? { bestFrame } : {}), presentation, timings };
}

/** The classifiers on the identity frame and two others spread over the clip; the clip's spectrum. */
async function presentationSignals(frames: VideoFrame[], analysed: Analysed, bestIndex: number): Promise<PresentationSignals> {
  const single = analysed.faces.flatMap((f, i) => (f.faces.length === 1 ? [i] : []));
  const picks = [...new Set([bestIndex, single[Math.floor(single.length / 4)], single[Math.floor((3 * single.length) / 4)]])].filter(
    (i): i is number => i !== undefined && i >= 0 && analysed.faces[i]?.faces.length === 1,
  );
  if (analysed.faces.every((f) => f.faces.length === 0)) return { moire: analysed.centre.peakProminence(), faceless: true, antispoof: null, liveness: null };
  const moire = analysed.spectrum.peakProminence();
  if (picks.length === 0) return { moire, antispoof: null, liveness: null };
  const models = await loadSpoofModels();
  const scores = [];
  for (const i of picks) scores.push(await models.score(frames[i]!, analysed.faces[i]!.faces[0]!.box));
  return { moire, antispoof: median(scores.map((s) => s.antispoof)), liveness: median(scores.map((s) => s.liveness)) };
}

interface Timed<T> {
  value: T;
  ms: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const start = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - start };
}
