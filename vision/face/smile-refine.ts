import type { AnalyzeOptions, FaceAnalyzer, FaceObservation } from './face-analyzer.js';
import type { VideoFrame } from './ffmpeg-frames.js';
import { atStart, DEFAULT_THRESHOLDS, type ActionThresholds, type FrameFaces } from './liveness-actions.js';

/** The smile's strength counts up to here (the confidence ramp ends at 1.5× the threshold). */
const ENOUGH = 1.5;
/** At most this many frames get the expression model. */
const MAX_FRAMES = 4;

/**
 * The expression model costs ~17 ms a frame, but a frame counts for SMILE only as far as both
 * its mouth widening and its "happy" score go: min(widening, happiness), each relative to its
 * threshold. So the frames are taken in order of widening, and only those whose widening could
 * still raise the best frame so far are re-analysed with the expression model, at most
 * MAX_FRAMES of them (a smile widens the mouth most). Other frames keep `smile` 0.
 *
 * `frames` and `analysed` are parallel; `models` are the options for the re-analysis (emotion on).
 */
export async function refineSmile(
  analyzer: FaceAnalyzer,
  frames: VideoFrame[],
  analysed: FrameFaces[],
  models: AnalyzeOptions,
  thresholds: Partial<ActionThresholds> = {},
): Promise<FrameFaces[]> {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const single = analysed.map((f) => (f.faces.length === 1 ? f.faces[0] : undefined));
  // Not one face throughout: the action fails whatever the mouth does.
  if (single.length === 0 || single.some((f) => f === undefined)) return analysed;
  const faces = single as FaceObservation[];
  const width0 = atStart(faces.map((f) => f.mouthWidth));
  const widening = (f: FaceObservation): number => (f.mouthWidth / width0 - 1) / t.smileWidthGain;
  const order = faces.map((f, i) => ({ w: widening(f), i })).sort((a, b) => b.w - a.w);
  const out = analysed.slice();
  let best = -Infinity;
  for (const { w, i } of order.slice(0, MAX_FRAMES)) {
    if (w <= best || best >= ENOUGH) break;
    const frame = frames[i] as VideoFrame;
    const refined = await analyzer.analyze(frame, models);
    out[i] = { timeS: frame.timeS, faces: refined };
    const face = refined.length === 1 ? refined[0] : undefined;
    if (face) best = Math.max(best, Math.min(widening(face), face.smile / t.smileScore));
  }
  return out;
}
