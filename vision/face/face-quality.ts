import { alignFace } from './face-align.js';
import type { LocatedFace } from './face-embed.js';
import type { RgbImage } from './rgb-image.js';

/** Why a face picture cannot be matched reliably; each tells the user what to change. */
export type FaceQualityCode =
  | 'NO_FACE'
  | 'PORTRAIT_NOT_FOUND'
  | 'MULTIPLE_FACES'
  | 'FACE_TOO_SMALL'
  | 'FACE_BLURRED'
  | 'FACE_TOO_DARK'
  | 'FACE_OVEREXPOSED'
  | 'EYES_CLOSED'
  | 'FACE_NOT_FRONTAL';

export interface FaceQualityIssue {
  code: FaceQualityCode;
  message: string;
}

export interface FaceQualityMeasures {
  /** Face side in pixels of the picture as decoded (≤ 1280 px). */
  faceSize: number;
  /** Variance of the Laplacian over the aligned face (grey levels²). */
  sharpness: number;
  /** Mean grey level of the aligned face, 0..255. */
  brightness: number;
  /** Lower of the two eye aspect ratios. */
  eyeOpenness: number;
  yaw: number;
  pitch: number;
  /** Faces at least half as large as the main one. */
  prominentFaces: number;
}

export interface FaceQualityLimits {
  minFaceSize: number;
  minSharpness: number;
  minBrightness: number;
  maxBrightness: number;
  minEyeOpenness: number;
  /** Radians, as human reports them (which reads low: 0.45 is a clear ~35° turn). */
  maxYaw: number;
  maxPitch: number;
}

/**
 * Limits for a selfie frame: lenient, so that only pictures a person would also call bad are
 * refused. Seen on real material: sharp photos 250–960 and real video frames 80–250 of
 * sharpness; strongly blurred generated variants 4–10; real frames 80–125 of brightness, the
 * generated low-light variants 22–40.
 */
export const SELFIE_LIMITS: FaceQualityLimits = {
  minFaceSize: 80,
  minSharpness: 20,
  minBrightness: 40,
  maxBrightness: 235,
  minEyeOpenness: 0.12,
  maxYaw: 0.45,
  maxPitch: 0.45,
};

/** A document portrait is small, printed and often a ghost image beside it: only presence and size. */
export const PORTRAIT_LIMITS = { minFaceSize: 40 } as const;

/** Measures the located face on its aligned 112 px crop, where every measure is scale-free. */
export function measureFaceQuality(located: Pick<LocatedFace, 'box' | 'crop' | 'face'>, prominentFaces: number): FaceQualityMeasures {
  const grey = toGrey(alignFace(located.crop, located.face.landmarks, 112, 0));
  return {
    faceSize: Math.round(Math.max(located.box.width, located.box.height)),
    sharpness: round(laplacianVariance(grey, 112)),
    brightness: round(mean(grey)),
    eyeOpenness: round(Math.min(located.face.eyeOpenness.left, located.face.eyeOpenness.right)),
    yaw: round(located.face.yaw),
    pitch: round(located.face.pitch),
    prominentFaces,
  };
}

/** What keeps a selfie frame from being matched, in the order a user would fix them. */
export function selfieQualityIssues(m: FaceQualityMeasures, limits: FaceQualityLimits = SELFIE_LIMITS): FaceQualityIssue[] {
  const issues: FaceQualityIssue[] = [];
  const add = (code: FaceQualityCode, message: string) => issues.push({ code, message });
  if (m.prominentFaces > 1) add('MULTIPLE_FACES', 'more than one face is in the picture: make sure only you are in view');
  if (m.faceSize < limits.minFaceSize) add('FACE_TOO_SMALL', 'your face is too small in the picture: hold the camera closer');
  if (m.brightness < limits.minBrightness) add('FACE_TOO_DARK', 'your face is too dark: move to a brighter place or face the light');
  if (m.brightness > limits.maxBrightness) add('FACE_OVEREXPOSED', 'your face is overexposed: avoid direct light or a bright window behind the camera');
  if (m.sharpness < limits.minSharpness) add('FACE_BLURRED', 'the picture of your face is blurred: hold the camera still and clean the lens');
  if (Math.abs(m.yaw) > limits.maxYaw || Math.abs(m.pitch) > limits.maxPitch) add('FACE_NOT_FRONTAL', 'look straight at the camera for a moment during each video');
  if (m.eyeOpenness < limits.minEyeOpenness) add('EYES_CLOSED', 'keep your eyes open and look at the camera');
  return issues;
}

/** Faces at least half as wide as the largest (a small face far behind is tolerated). */
export function prominentFaceCount(boxes: ReadonlyArray<{ width: number }>): number {
  const largest = Math.max(0, ...boxes.map((b) => b.width));
  return boxes.filter((b) => b.width >= largest / 2).length;
}

function toGrey(image: RgbImage): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * image.data[i * 3]! + 0.587 * image.data[i * 3 + 1]! + 0.114 * image.data[i * 3 + 2]!;
  }
  return out;
}

/** Over the central part of the aligned face (eyes, nose, mouth), away from the background. */
function laplacianVariance(grey: Float32Array, side: number): number {
  const from = Math.round(side * 0.2);
  const to = Math.round(side * 0.85);
  const values: number[] = [];
  for (let y = from; y < to; y++) {
    for (let x = from; x < to; x++) {
      const i = y * side + x;
      values.push(grey[i - 1]! + grey[i + 1]! + grey[i - side]! + grey[i + side]! - 4 * grey[i]!);
    }
  }
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length;
}

function mean(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

const round = (x: number): number => Math.round(x * 100) / 100;
