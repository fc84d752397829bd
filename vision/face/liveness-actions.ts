import type { FaceObservation } from './face-analyzer.js';
import { argMax, median, quantile, ramp } from './series.js';

export type LivenessAction = 'BLINK' | 'SMILE' | 'TURN_LEFT' | 'TURN_RIGHT' | 'NOD' | 'OPEN_MOUTH';
export const LIVENESS_ACTIONS: readonly LivenessAction[] = ['BLINK', 'SMILE', 'TURN_LEFT', 'TURN_RIGHT', 'NOD', 'OPEN_MOUTH'];

/** The faces found on one sampled frame. */
export interface FrameFaces {
  timeS: number;
  faces: FaceObservation[];
}

export interface ActionScore {
  action: LivenessAction;
  passed: boolean;
  /** 0..1; 0.5 sits exactly on the pass threshold, 0 when the one-face check failed. */
  confidence: number;
  reason?: string;
  faces: { min: number; max: number };
  frames: number;
  /** Frame best suited for identity (one face, most frontal, eyes open); -1 when none. */
  bestFrameIndex: number;
}

/**
 * Pass thresholds. Angles are radians as @vladmandic/human reports them, which reads low:
 * a deliberate ~30° head turn is reported around 0.3–0.5.
 */
export interface ActionThresholds {
  /** Both eyes close to at most (1 − this) of their open level, then reopen. */
  blinkDepth: number;
  /** Mouth at least this much wider (relative) than at the start… */
  smileWidthGain: number;
  /** …while the expression model scores "happy" at least this. */
  smileScore: number;
  /** Yaw change from the start towards the asked side. */
  turnYaw: number;
  /** Pitch change downwards from the start; it must then come back by half of this. */
  nodPitch: number;
  /** Rise of the mouth aspect ratio (inner-lip gap / mouth width) over the start. */
  mouthOpenGain: number;
}

export const DEFAULT_THRESHOLDS: ActionThresholds = {
  blinkDepth: 0.45,
  smileWidthGain: 0.15,
  smileScore: 0.5,
  turnYaw: 0.25,
  nodPitch: 0.15,
  mouthOpenGain: 0.25,
};

export interface ScoreOptions {
  /**
   * The frames are mirror images (a front-camera preview recorded as shown). By default frames
   * are taken as the camera saw them: when the user turns to their own left, their nose moves
   * to the image's right and human reports a negative yaw.
   */
  mirrored?: boolean;
  thresholds?: Partial<ActionThresholds>;
}

/** How far the measured movement went, as a multiple of its threshold (≥ 1 passes). */
interface Evidence {
  strength: number;
  /** What was measured, in words, for when it falls short. */
  detail: string;
}

type Evaluator = (faces: FaceObservation[], t: ActionThresholds, mirrored: boolean) => Evidence;

/** Scores one action on frames sampled in time order. Pure: no I/O, no models. */
export function scoreAction(action: LivenessAction, frames: FrameFaces[], opts: ScoreOptions = {}): ActionScore {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const base = { action, faces: faceCountRange(frames), frames: frames.length, bestFrameIndex: bestFrameIndex(frames) };
  const faceProblem = singleFaceProblem(frames);
  if (faceProblem) return { ...base, passed: false, confidence: 0, reason: faceProblem };
  const faces = frames.map((f) => f.faces[0] as FaceObservation);
  const evidence = EVALUATORS[action](faces, thresholds, opts.mirrored ?? false);
  const passed = evidence.strength >= 1;
  const confidence = round(ramp(evidence.strength, 0.5, 1.5));
  return passed ? { ...base, passed, confidence } : { ...base, passed, confidence, reason: evidence.detail };
}

const EVALUATORS: Record<LivenessAction, Evaluator> = {
  BLINK: blink,
  SMILE: smile,
  TURN_LEFT: (f, t, m) => turn(f, t, m ? 1 : -1, 'left'),
  TURN_RIGHT: (f, t, m) => turn(f, t, m ? -1 : 1, 'right'),
  NOD: nod,
  OPEN_MOUTH: openMouth,
};

/** The reference state is the start of the clip: the user is asked to act after it begins. */
export function atStart(values: number[]): number {
  return median(values.slice(0, Math.max(2, Math.ceil(values.length * 0.15))));
}

function blink(faces: FaceObservation[], t: ActionThresholds): Evidence {
  // Eyes are open most of the time, so the open level is a high quantile over the clip.
  const left = faces.map((f) => f.eyeOpenness.left);
  const right = faces.map((f) => f.eyeOpenness.right);
  const openL = quantile(left, 0.8);
  const openR = quantile(right, 0.8);
  // Both eyes must close: a wink or a squint of one eye is not a blink.
  const depth = faces.map((_, i) => Math.min(1 - (left[i] ?? 0) / openL, 1 - (right[i] ?? 0) / openR));
  const reopened = (i: number, step: -1 | 1): boolean => {
    for (let j = i + step; j >= 0 && j < depth.length; j += step) if ((depth[j] ?? 1) < t.blinkDepth / 2) return true;
    return false;
  };
  const usable = depth.map((d, i) => (reopened(i, -1) && reopened(i, 1) ? d : 0));
  const deepest = Math.max(0, ...usable);
  const anyDip = Math.max(0, ...depth);
  const detail =
    anyDip >= t.blinkDepth && deepest < t.blinkDepth
      ? 'the eyes closed but were not open both before and after'
      : `no blink: the eyes closed by at most ${pct(anyDip)} (need ${pct(t.blinkDepth)})`;
  return { strength: deepest / t.blinkDepth, detail };
}

function smile(faces: FaceObservation[], t: ActionThresholds): Evidence {
  const width0 = atStart(faces.map((f) => f.mouthWidth));
  const perFrame = faces.map((f) => Math.min((f.mouthWidth / width0 - 1) / t.smileWidthGain, f.smile / t.smileScore));
  const peak = faces[argMax(perFrame)];
  const gain = peak ? peak.mouthWidth / width0 - 1 : 0;
  return {
    strength: Math.max(0, ...perFrame),
    detail: `no smile: at best the mouth widened ${pct(gain)} (need ${pct(t.smileWidthGain)}) with expression score ${round(peak?.smile ?? 0)} (need ${t.smileScore})`,
  };
}

function turn(faces: FaceObservation[], t: ActionThresholds, sign: 1 | -1, side: 'left' | 'right'): Evidence {
  const yaw = faces.map((f) => f.yaw);
  const yaw0 = atStart(yaw);
  const towards = Math.max(0, ...yaw.map((y) => sign * (y - yaw0)));
  const away = Math.max(0, ...yaw.map((y) => -sign * (y - yaw0)));
  const detail =
    away >= t.turnYaw && away > towards
      ? `the head turned the other way, not to the user's ${side}`
      : `no turn: the head turned to the user's ${side} by at most ${deg(towards)} (need ${deg(t.turnYaw)})`;
  return { strength: towards / t.turnYaw, detail };
}

function nod(faces: FaceObservation[], t: ActionThresholds): Evidence {
  const pitch = faces.map((f) => f.pitch);
  const pitch0 = atStart(pitch);
  const down = pitch.map((p) => p - pitch0); // human: pitch grows as the head tilts down
  const peakAt = argMax(down);
  const peak = down[peakAt] ?? 0;
  const back = peak - Math.min(peak, ...down.slice(peakAt + 1));
  const detail =
    peak >= t.nodPitch
      ? `the head went down by ${deg(peak)} but came back up only ${deg(back)} (need ${deg(t.nodPitch / 2)})`
      : `no nod: the head went down by at most ${deg(peak)} (need ${deg(t.nodPitch)})`;
  return { strength: Math.min(peak / t.nodPitch, back / (t.nodPitch / 2)), detail };
}

function openMouth(faces: FaceObservation[], t: ActionThresholds): Evidence {
  const mar = faces.map((f) => f.mouthOpenness);
  const mar0 = atStart(mar);
  const gain = Math.max(0, ...mar.map((m) => m - mar0));
  return {
    strength: gain / t.mouthOpenGain,
    detail: `no open mouth: the mouth opening grew by at most ${round(gain)} (need ${t.mouthOpenGain})`,
  };
}

function faceCountRange(frames: FrameFaces[]): { min: number; max: number } {
  if (frames.length === 0) return { min: 0, max: 0 };
  const counts = frames.map((f) => f.faces.length);
  return { min: Math.min(...counts), max: Math.max(...counts) };
}

/** Exactly one face on every frame: a missing face or a second person fails the check. */
function singleFaceProblem(frames: FrameFaces[]): string | undefined {
  if (frames.length === 0) return 'no frames to analyse';
  const problems: string[] = [];
  const none = frames.filter((f) => f.faces.length === 0);
  const many = frames.filter((f) => f.faces.length > 1);
  if (none[0]) problems.push(`no face on ${none.length} of ${frames.length} frames (first at ${none[0].timeS.toFixed(1)} s)`);
  if (many[0]) problems.push(`more than one face on ${many.length} of ${frames.length} frames (first at ${many[0].timeS.toFixed(1)} s)`);
  return problems.length ? problems.join('; ') : undefined;
}

/** Most frontal single face with open eyes, then the most confident. */
export function bestFrameIndex(frames: FrameFaces[]): number {
  const single = frames.map((f) => (f.faces.length === 1 ? f.faces[0] : undefined));
  const eyes = single.map((f) => (f ? Math.min(f.eyeOpenness.left, f.eyeOpenness.right) : 0));
  const openLevel = quantile(eyes.filter((e) => e > 0), 0.8);
  const quality = single.map((f, i) => {
    if (!f) return -Infinity;
    const closed = (eyes[i] ?? 0) < 0.6 * openLevel ? 1 : 0;
    return f.score - Math.abs(f.yaw) - 0.5 * Math.abs(f.pitch) - closed;
  });
  const best = argMax(quality);
  return best >= 0 && quality[best] !== -Infinity ? best : -1;
}

const round = (x: number): number => Math.round(x * 100) / 100;
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const deg = (rad: number): string => `${Math.round((rad * 180) / Math.PI)}°`;
