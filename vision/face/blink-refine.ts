import type { AnalyzeOptions, FaceAnalyzer, FaceObservation } from './face-analyzer.js';
import type { VideoFrame } from './ffmpeg-frames.js';
import { DEFAULT_THRESHOLDS, type ActionThresholds, type FrameFaces } from './liveness-actions.js';
import { median, quantile } from './series.js';

/**
 * A frame is a candidate blink when, on the plain mesh, both eyes close by at least this share
 * of `blinkDepth`. The plain mesh under-reads eyelid closure (a blink the iris model sees at
 * 86% closed reads ~58%) but open eyes stay within ~15% of their open level.
 */
const CANDIDATE_SHARE = 0.4;
/** Open-eyed frames also refined, to put the plain-mesh frames on the iris model's scale. */
const REFERENCE_FRAMES = 3;
/** More candidates than this share of the clip: refine every frame (no saving to be had). */
const MAX_CANDIDATE_SHARE = 0.35;

/**
 * The iris model sharpens the eyelid landmarks (~15 ms a frame): rather than running it on every
 * frame, find candidate blinks on the plain mesh, re-analyse them and their neighbours with the
 * iris model, and re-analyse a few open-eyed frames to calibrate the other frames' eye
 * openness to the iris model's scale (per eye, median ratio). The blink rule then sees
 * iris-refined values wherever the eyes may close and calibrated values elsewhere.
 *
 * `frames` and `analysed` are parallel; `models` are the options for the re-analysis (iris on);
 * within runs of consecutive frames the detector runs every `detectEveryS` seconds.
 */
export async function refineEyelids(
  analyzer: FaceAnalyzer,
  frames: VideoFrame[],
  analysed: FrameFaces[],
  models: AnalyzeOptions,
  detectEveryS: number,
  thresholds: Partial<ActionThresholds> = {},
): Promise<FrameFaces[]> {
  const blinkDepth = thresholds.blinkDepth ?? DEFAULT_THRESHOLDS.blinkDepth;
  const single = analysed.map((f) => (f.faces.length === 1 ? f.faces[0] : undefined));
  // Not one face throughout: the action fails whatever the eyes do.
  if (single.length === 0 || single.some((f) => f === undefined)) return analysed;
  const faces = single as FaceObservation[];
  const depth = closure(faces);
  const candidates = depth.flatMap((d, i) => (d >= CANDIDATE_SHARE * blinkDepth ? [i] : []));
  // No candidate: the blink depth is a ratio to the clip's own open level, so the scale of the
  // eye openness does not change the outcome.
  if (candidates.length === 0) return analysed;

  const refine = new Set<number>();
  if (candidates.length > MAX_CANDIDATE_SHARE * frames.length) {
    frames.forEach((_, i) => refine.add(i));
  } else {
    for (const i of candidates) for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < frames.length) refine.add(j);
    // Reference: the frames nearest the open level, outside the candidates' neighbourhoods.
    const open = depth
      .map((d, i) => ({ d: Math.abs(d), i }))
      .filter(({ i }) => !refine.has(i))
      .sort((a, b) => a.d - b.d)
      .slice(0, REFERENCE_FRAMES);
    for (const { i } of open) refine.add(i);
  }

  const out = analysed.slice();
  const ratios = { left: [] as number[], right: [] as number[] };
  // Runs of consecutive frames are followed between detector runs, as in the first pass.
  const track = {};
  let previous = -2;
  let lastDetected = -Infinity;
  for (const i of [...refine].sort((a, b) => a - b)) {
    const frame = frames[i] as VideoFrame;
    const detector = i !== previous + 1 || frame.timeS - lastDetected >= detectEveryS - 1e-6;
    if (detector) lastDetected = frame.timeS;
    previous = i;
    const refined = await analyzer.analyze(frame, { ...models, track, detector });
    out[i] = { timeS: frame.timeS, faces: refined };
    const plain = faces[i] as FaceObservation;
    const sharp = refined.length === 1 ? refined[0] : undefined;
    if (sharp && (depth[i] ?? 1) < CANDIDATE_SHARE * blinkDepth) {
      if (plain.eyeOpenness.left > 0) ratios.left.push(sharp.eyeOpenness.left / plain.eyeOpenness.left);
      if (plain.eyeOpenness.right > 0) ratios.right.push(sharp.eyeOpenness.right / plain.eyeOpenness.right);
    }
  }
  const left = ratios.left.length ? median(ratios.left) : 1;
  const right = ratios.right.length ? median(ratios.right) : 1;
  return out.map((f, i) => {
    if (refine.has(i)) return f;
    const face = faces[i] as FaceObservation;
    const eyeOpenness = { left: face.eyeOpenness.left * left, right: face.eyeOpenness.right * right };
    return { timeS: f.timeS, faces: [{ ...face, eyeOpenness }] };
  });
}

/** Per frame, how far both eyes are closed relative to their open level (as the blink rule). */
function closure(faces: FaceObservation[]): number[] {
  const left = faces.map((f) => f.eyeOpenness.left);
  const right = faces.map((f) => f.eyeOpenness.right);
  const openL = quantile(left, 0.8);
  const openR = quantile(right, 0.8);
  return faces.map((_, i) => Math.min(1 - (left[i] ?? 0) / openL, 1 - (right[i] ?? 0) / openR));
}
