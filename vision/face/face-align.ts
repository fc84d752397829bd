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

/**
 * dlib's face chip (`get_face_chip_details`): the mean positions (0..1 over the inner face) of the
 * 68-point landmarks it aligns on — nose (27–35), eyes (36–47), upper lips (48–54, 60–64) — and
 * the face-mesh point at each (the usual MediaPipe ↔ dlib correspondence). dlib's recognition net
 * was trained on 150 px chips of these with padding 0.25.
 */
const DLIB_CHIP: ReadonlyArray<readonly [mesh: number, x: number, y: number]> = [
  [168, 0.490127, 0.203352], [197, 0.490127, 0.307009], [5, 0.490127, 0.409805], [4, 0.490127, 0.515625],
  [75, 0.36688, 0.587326], [97, 0.426036, 0.609345], [2, 0.490127, 0.628106], [326, 0.554217, 0.609345], [305, 0.613373, 0.587326],
  [33, 0.121737, 0.216423], [160, 0.187122, 0.178758], [158, 0.265825, 0.179852], [133, 0.334606, 0.231733], [153, 0.260918, 0.245099], [144, 0.182743, 0.244077],
  [362, 0.645647, 0.231733], [385, 0.714428, 0.179852], [387, 0.793132, 0.178758], [263, 0.858516, 0.216423], [373, 0.79751, 0.244077], [380, 0.719335, 0.245099],
  [61, 0.254149, 0.780233], [39, 0.340985, 0.745405], [37, 0.428858, 0.727388], [0, 0.490127, 0.742578], [267, 0.551395, 0.727388], [269, 0.639268, 0.745405], [291, 0.726104, 0.780233],
  [78, 0.290379, 0.784792], [82, 0.428096, 0.778746], [13, 0.490127, 0.785343], [312, 0.552157, 0.778746], [308, 0.689874, 0.784792],
];

export type Point2 = readonly [number, number];

/** The mesh points dlib's chip is aligned on (see DLIB_CHIP); undefined when the mesh is incomplete. */
export function chipPointsFromMesh(mesh: Point[]): Point2[] | undefined {
  if (mesh.length < 468) return undefined;
  return DLIB_CHIP.map(([i]) => [mesh[i]![0], mesh[i]![1]] as const);
}

/** Where dlib's chip of `side` px with `padding` puts the chip points. */
export function dlibTemplate(side: number, padding: number): Point2[] {
  return DLIB_CHIP.map(([, x, y]) => [((padding + x) / (1 + 2 * padding)) * side, ((padding + y) / (1 + 2 * padding)) * side] as const);
}

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
  return warpToTemplate(image, points, templateFor(side, margin), side);
}

/** Warps `image` so that `points` land on `template` (a similarity, least squares): a `side` px square. */
export function warpToTemplate(image: RgbImage, points: readonly Point2[], template: readonly Point2[], side: number): RgbImage {
  const forward = similarityTransform(points, template);
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
