import type { Point } from './human-loader.js';
import type { RgbImage } from './rgb-image.js';

/** Five landmarks in image pixels, in image order: eye left, eye right, nose tip, mouth left, mouth right. */
export type FivePoints = [[number, number], [number, number], [number, number], [number, number], [number, number]];

/**
 * Where ArcFace-family descriptors expect the five points on their 112×112 crop (the insightface
 * reference template, image order as in FivePoints).
 */
export const ARCFACE_TEMPLATE: FivePoints = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];
const TEMPLATE_SIDE = 112;

// Face-mesh (MediaPipe 468-point) indices: eye contours, nose tip, mouth corners. The image-left
// eye is the subject's right eye.
const EYE_IMAGE_LEFT = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const EYE_IMAGE_RIGHT = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
const NOSE_TIP = 4;
const MOUTH_IMAGE_LEFT = 61;
const MOUTH_IMAGE_RIGHT = 291;

/** The five alignment points from a face mesh; undefined when the mesh is incomplete. */
export function fivePointsFromMesh(mesh: Point[]): FivePoints | undefined {
  if (mesh.length < 468) return undefined;
  const at = (i: number): [number, number] => [mesh[i]![0], mesh[i]![1]];
  const mean = (idx: number[]): [number, number] => {
    const pts = idx.map(at);
    return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
  };
  return [mean(EYE_IMAGE_LEFT), mean(EYE_IMAGE_RIGHT), at(NOSE_TIP), at(MOUTH_IMAGE_LEFT), at(MOUTH_IMAGE_RIGHT)];
}

/** The template for a square crop of `side` px with `margin` (share of the ArcFace crop's side) added on each side. */
export function templateFor(side: number, margin: number): FivePoints {
  const scale = side / (TEMPLATE_SIDE * (1 + 2 * margin));
  const offset = side / 2 - (TEMPLATE_SIDE / 2) * scale;
  return ARCFACE_TEMPLATE.map(([x, y]) => [x * scale + offset, y * scale + offset]) as FivePoints;
}

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty: rotation, uniform scale and shift. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Least-squares similarity transform taking `from` onto `to` (Umeyama, no reflection). */
export function similarityTransform(from: ReadonlyArray<readonly [number, number]>, to: ReadonlyArray<readonly [number, number]>): Similarity {
  const n = from.length;
  const mean = (pts: ReadonlyArray<readonly [number, number]>) => [pts.reduce((s, p) => s + p[0], 0) / n, pts.reduce((s, p) => s + p[1], 0) / n] as const;
  const [fx, fy] = mean(from);
  const [tx, ty] = mean(to);
  let dot = 0; // Σ (f·t)
  let cross = 0; // Σ (f × t)
  let norm = 0; // Σ |f|²
  for (let i = 0; i < n; i++) {
    const x = from[i]![0] - fx;
    const y = from[i]![1] - fy;
    const u = to[i]![0] - tx;
    const v = to[i]![1] - ty;
    dot += x * u + y * v;
    cross += x * v - y * u;
    norm += x * x + y * y;
  }
  if (!(norm > 0)) throw new Error('alignment points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

export function applySimilarity(t: Similarity, [x, y]: readonly [number, number]): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

/**
 * Warps the face so its five points land on the descriptor's template: a `side`×`side` RGB crop,
 * bilinear, edge pixels repeated outside the image. A dozen lines of sampling here beat a
 * round trip through sharp's affine (which needs the inverse matrix and offsets anyway).
 */
export function alignFace(image: RgbImage, points: FivePoints, side: number, margin = 0): RgbImage {
  const forward = similarityTransform(points, templateFor(side, margin));
  // Inverse of the similarity: scale 1/s², rotation the other way.
  const s2 = forward.a * forward.a + forward.b * forward.b;
  const ia = forward.a / s2;
  const ib = -forward.b / s2;
  const out = new Uint8Array(side * side * 3);
  const { width, height, data } = image;
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++) {
      const du = u - forward.tx;
      const dv = v - forward.ty;
      const x = Math.min(width - 1, Math.max(0, ia * du - ib * dv));
      const y = Math.min(height - 1, Math.max(0, ib * du + ia * dv));
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(width - 1, x0 + 1);
      const y1 = Math.min(height - 1, y0 + 1);
      const wx = x - x0;
      const wy = y - y0;
      const o = (v * side + u) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[(y0 * width + x0) * 3 + c]! * (1 - wx) + data[(y0 * width + x1) * 3 + c]! * wx;
        const bottom = data[(y1 * width + x0) * 3 + c]! * (1 - wx) + data[(y1 * width + x1) * 3 + c]! * wx;
        out[o + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width: side, height: side, data: out };
}
