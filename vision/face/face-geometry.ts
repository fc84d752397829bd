import type { Point } from './human-loader.js';

/**
 * Expression measures from the 468-point MediaPipe face mesh (indices are the canonical
 * mesh's). All are ratios to the distance between the outer eye corners, which barely
 * moves with expressions, so they do not depend on the face's size in the picture.
 * "Left"/"right" are the subject's own sides.
 */
const RIGHT_EYE = { corners: [33, 133], lids: [[160, 144], [158, 153]] } as const;
const LEFT_EYE = { corners: [362, 263], lids: [[385, 380], [387, 373]] } as const;
const OUTER_EYE_CORNERS = [33, 263] as const;
const INNER_LIPS = [13, 14] as const;
const MOUTH_CORNERS = [61, 291] as const;

export interface ExpressionMeasures {
  /** Eye aspect ratio (lid gap / eye width) per eye: ~0.25–0.35 open, < ~0.15 closed. */
  eyeOpenness: { left: number; right: number };
  /**
   * Mouth aspect ratio, inner-lip gap / mouth width: ~0 closed, > ~0.35 clearly open. Relative
   * to the mouth's own width so that a broad open-lipped smile does not read as an open mouth.
   */
  mouthOpenness: number;
  /** Mouth-corner distance / eye-corner distance: grows when smiling. */
  mouthWidth: number;
}

export function expressionMeasures(mesh: Point[]): ExpressionMeasures | undefined {
  if (mesh.length < 468) return undefined;
  const scale = dist(mesh, OUTER_EYE_CORNERS[0], OUTER_EYE_CORNERS[1]);
  if (!(scale > 0)) return undefined;
  const mouthWidth = dist(mesh, MOUTH_CORNERS[0], MOUTH_CORNERS[1]);
  return {
    eyeOpenness: { left: eyeAspectRatio(mesh, LEFT_EYE), right: eyeAspectRatio(mesh, RIGHT_EYE) },
    mouthOpenness: mouthWidth > 0 ? dist(mesh, INNER_LIPS[0], INNER_LIPS[1]) / mouthWidth : 0,
    mouthWidth: mouthWidth / scale,
  };
}

interface EyeIndices {
  corners: readonly [number, number];
  lids: readonly (readonly [number, number])[];
}

function eyeAspectRatio(mesh: Point[], eye: EyeIndices): number {
  const width = dist(mesh, eye.corners[0], eye.corners[1]);
  const gaps = eye.lids.map(([a, b]) => dist(mesh, a, b));
  return width > 0 ? gaps.reduce((s, g) => s + g, 0) / gaps.length / width : 0;
}

function dist(mesh: Point[], a: number, b: number): number {
  const p = mesh[a];
  const q = mesh[b];
  if (!p || !q) return NaN;
  return Math.hypot(p[0] - q[0], p[1] - q[1]);
}
