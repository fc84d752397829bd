import type { FaceDescriber } from './descriptor-models.js';
import type { FaceAnalyzer, FaceBox, FaceObservation } from './face-analyzer.js';
import type { FivePoints } from './face-align.js';
import { clampRegion, cropAndScale, decodeImage } from './image-decode.js';
import type { RgbImage } from './rgb-image.js';

/** Encoded image bytes (JPEG, PNG, …) or already decoded RGB. */
export type ImageInput = Uint8Array | RgbImage;

/**
 * How a face becomes a descriptor. Without `describer`, @vladmandic/human's built-in faceres on
 * its own (unaligned) crop: the engine before descriptors were chosen by measurement, kept as the
 * bench's baseline.
 */
export interface DescriptorOptions {
  describer?: FaceDescriber;
  /** Cut the face out the way the descriptor was trained (its aligned chip; default true). */
  align?: boolean;
}

export interface EmbeddedFace {
  /** The face's box on the given image (after decoding and downscaling to ≤ 1280 px). */
  box: FaceBox;
  /** How many faces the image held. */
  faces: number;
  embedding: Float32Array;
  /** The face as measured on the rescaled crop the descriptor came from. */
  face: FaceObservation;
}

/** Side the face crop is scaled to before describing it: small portraits on documents get upscaled. */
const CROP_SIDE = 256;
/**
 * Context kept around the detected box (fraction of its side, each way) for the second pass,
 * which finds the landmarks on a face of a standard size.
 */
const CROP_MARGIN = 0.25;
/** Context around the mesh box when a describer gets an unaligned crop. */
const UNALIGNED_MARGIN = 0.1;

/**
 * Describes the largest face of an image: detect, crop the face with a margin, rescale, find
 * its landmarks on the crop, align, describe. The second pass makes a 60 px document portrait
 * and a 600 px selfie face reach the descriptor model at the same scale.
 */
export async function embedLargestFace(analyzer: FaceAnalyzer, input: ImageInput, opts: DescriptorOptions = {}): Promise<EmbeddedFace | undefined> {
  const located = await locateLargestFace(analyzer, input);
  if (!located) return undefined;
  const described = await describeLocated(analyzer, located, opts);
  return described ? { box: located.box, faces: located.faces, ...described } : undefined;
}

/** The largest face, rescaled to a standard crop and measured there (landmarks, pose, eyes). */
export interface LocatedFace {
  /** The face's box on the decoded image. */
  box: FaceBox;
  /** How many faces the image held. */
  faces: number;
  /** The face and its surroundings at CROP_SIDE px. */
  crop: RgbImage;
  /** The face as measured on `crop`. */
  face: FaceObservation;
}

/**
 * One detection pass: the face's landmarks are carried over onto its standard crop rather than
 * found again there (the mesh model sees a fixed-size crop of the face either way; a second pass
 * cost ~60 ms per face and did not separate faces better: README "Face match").
 */
export async function locateLargestFace(analyzer: FaceAnalyzer, input: ImageInput): Promise<LocatedFace | undefined> {
  const image = isRgb(input) ? input : await decodeImage(input);
  const found = await analyzer.analyze(image, { iris: false, emotion: false });
  const largest = found[0];
  if (!largest) return undefined;
  const region = clampRegion(image, expand(largest.box, CROP_MARGIN));
  const crop = await cropAndScale(image, region, CROP_SIDE);
  return { box: largest.box, faces: found.length, crop, face: onCrop(largest, region, crop.width / region.width) };
}

/** The observation in the coordinates of the crop cut at `region` and scaled by `scale`. */
function onCrop(face: FaceObservation, region: FaceBox, scale: number): FaceObservation {
  const to = ([x, y]: readonly [number, number]): [number, number] => [(x - region.x) * scale, (y - region.y) * scale];
  const { box } = face;
  const [x, y] = to([box.x, box.y]);
  return {
    ...face,
    box: { x, y, width: box.width * scale, height: box.height * scale },
    landmarks: face.landmarks.map(to) as FivePoints,
    chipPoints: face.chipPoints.map(to),
  };
}

/** The face at `box` (as the analyzer found it on `image`), rescaled and measured. */
async function locateAt(analyzer: FaceAnalyzer, image: RgbImage, box: FaceBox): Promise<Omit<LocatedFace, 'faces'> | undefined> {
  const crop = await cropAndScale(image, expand(box, CROP_MARGIN), CROP_SIDE);
  // In the crop the wanted face is the largest; a neighbour's partial face may also show.
  const [face] = await analyzer.analyze(crop, { iris: false, emotion: false });
  return face ? { box, crop, face } : undefined;
}

export async function describeLocated(
  analyzer: FaceAnalyzer,
  { crop, face }: Pick<LocatedFace, 'crop' | 'face'>,
  { describer, align = true }: DescriptorOptions = {},
): Promise<{ embedding: Float32Array; face: FaceObservation } | undefined> {
  if (!describer) {
    const [again] = await analyzer.analyze(crop, { embed: true, iris: false, emotion: false });
    return again?.embedding ? { embedding: again.embedding, face } : undefined;
  }
  const input = align
    ? describer.chip(crop, face)
    : await cropAndScale(crop, expand(face.box, UNALIGNED_MARGIN), describer.size);
  return { embedding: await describer.describe(squared(input, describer.size)), face };
}

/**
 * The descriptor of the face at `box` (as the analyzer found it on `image`). Undefined when the
 * rescaled crop shows no face.
 */
export async function embedFaceAt(
  analyzer: FaceAnalyzer,
  image: RgbImage,
  box: FaceBox,
  opts: DescriptorOptions = {},
): Promise<{ embedding: Float32Array; face: FaceObservation; crop: RgbImage } | undefined> {
  const located = await locateAt(analyzer, image, box);
  const described = located ? await describeLocated(analyzer, located, opts) : undefined;
  return located && described ? { ...described, crop: located.crop } : undefined;
}

function isRgb(input: ImageInput): input is RgbImage {
  return !(input instanceof Uint8Array);
}

/** A crop clamped at the image edge may come out narrower; the models need exactly side×side. */
function squared(image: RgbImage, side: number): RgbImage {
  if (image.width === side && image.height === side) return image;
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < Math.min(side, image.height); y++) {
    out.set(image.data.subarray(y * image.width * 3, (y * image.width + Math.min(side, image.width)) * 3), y * side * 3);
  }
  return { width: side, height: side, data: out };
}

function expand(box: FaceBox, margin: number): FaceBox {
  const side = Math.max(box.width, box.height) * (1 + 2 * margin);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}
