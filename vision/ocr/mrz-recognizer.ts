/**
 * The trained MRZ line recognizer: a small fully convolutional network with a CTC output, trained
 * by training/mrz on synthetic OCR-B lines only (`npm run train:mrz`). Its weights sit beside this
 * file (model/mrz-ctc.{json,bin}) and run on tfjs's WASM backend, the engine the face code uses.
 * A line crop goes in; per-frame character probabilities come out, for ctc-decode.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { GreyImage } from './image-prep.js';

type Tf = typeof TfCore;

interface ModelJson {
  alphabet: string;
  blank: number;
  inputHeight: number;
  stride: number;
  layers: Array<{ kernel: [number, number]; padH: number; pool: [number, number] }>;
  tensors: Array<{ name: string; shape: number[]; offset: number }>;
  dtype: 'float16' | 'float32';
  steps?: number;
}

/** Per-frame probabilities of one line: frames × classes, row-major; class `blank` is CTC's blank. */
export interface LineProbs { probs: Float32Array; frames: number; classes: number; alphabet: string; blank: number }

export interface MrzRecognizer {
  /**
   * Probabilities for each crop (greyscale, any size; scaled to the model's height here, and
   * `stretch` times as wide as that keeps it).
   */
  recognize(crops: GreyImage[], stretch?: number): Promise<LineProbs[]>;
  /** The network alone on an input already scaled to its height (0..1, row-major). */
  run(input: Float32Array, width: number): Promise<LineProbs>;
  readonly modelInfo: { steps: number | undefined; bytes: number };
}

export const MODEL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model');
const require = createRequire(import.meta.url);

let shared: Promise<MrzRecognizer> | null = null;

/** One recognizer per process (the weights are read once; tfjs's engine is process-wide anyway). */
export function loadMrzRecognizer(dir = MODEL_DIR): Promise<MrzRecognizer> {
  if (dir !== MODEL_DIR) return createRecognizer(dir);
  shared ??= createRecognizer(dir).catch((err) => { shared = null; throw err; });
  return shared;
}

async function createRecognizer(dir: string): Promise<MrzRecognizer> {
  const tf = await wasmTf();
  const meta = JSON.parse(readFileSync(path.join(dir, 'mrz-ctc.json'), 'utf8')) as ModelJson;
  const bin = readFileSync(path.join(dir, 'mrz-ctc.bin'));
  const weights = new Map(meta.tensors.map((t) => [t.name, tf.tensor(decodeWeights(bin, meta.dtype, t.offset, t.shape), t.shape)]));
  const w = (name: string) => {
    const t = weights.get(name);
    if (!t) throw new Error(`MRZ model: tensor ${name} missing in ${dir}`);
    return t;
  };

  const forward = (input: TfCore.Tensor4D): TfCore.Tensor2D => tf.tidy(() => {
    let x: TfCore.Tensor4D = input;
    meta.layers.forEach((layer, i) => {
      const padW = Math.floor(layer.kernel[1] / 2);
      x = tf.relu(tf.add(tf.conv2d(x, w(`conv${i}.w`) as TfCore.Tensor4D, 1, [[0, 0], [layer.padH, layer.padH], [padW, padW], [0, 0]]), w(`conv${i}.b`))) as TfCore.Tensor4D;
      if (layer.pool[0] > 1 || layer.pool[1] > 1) x = tf.maxPool(x, layer.pool, layer.pool, 'valid');
    });
    const logits = tf.add(tf.conv2d(x, w('head.w') as TfCore.Tensor4D, 1, 'valid'), w('head.b'));
    return tf.softmax(tf.reshape(logits, [logits.shape[2]!, logits.shape[3]!])) as TfCore.Tensor2D;
  });

  const run = async (data: Float32Array, width: number): Promise<LineProbs> => {
    const input = tf.tensor4d(data, [1, meta.inputHeight, width, 1]);
    const probs = forward(input);
    input.dispose();
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    return { probs: values, frames: probs.shape[0], classes: probs.shape[1], alphabet: meta.alphabet, blank: meta.blank };
  };
  return {
    modelInfo: { steps: meta.steps, bytes: bin.length },
    run,
    async recognize(crops, stretch = 1) {
      const out: LineProbs[] = [];
      for (const crop of crops) {
        const { data, width } = await modelInput(crop, meta.inputHeight, meta.stride, stretch);
        out.push(await run(data, width));
      }
      return out;
    },
  };
}

/**
 * The crop at the model's height, scaled like training/mrz/render.py `normalise`: the 1st to 99th
 * percentile of grey mapped to 0..1, width a multiple of the network's stride (paper beyond).
 */
async function modelInput(crop: GreyImage, height: number, stride: number, stretch: number): Promise<{ data: Float32Array; width: number }> {
  const w = Math.max(4, Math.round((crop.width * height * stretch) / crop.height));
  const scaled = await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 1 } })
    .resize({ width: w, height, fit: 'fill', kernel: crop.height > height ? 'mitchell' : 'cubic' })
    .extractChannel(0).raw().toBuffer();
  const sorted = Uint8Array.from(scaled).sort();
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))]!, hi = sorted[Math.floor(0.99 * (sorted.length - 1))]!;
  const range = Math.max(hi - lo, 8);
  const width = w + ((stride - (w % stride)) % stride);
  const data = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const paper = clamp01((scaled[y * w + w - 1]! - lo) / range);
    for (let x = 0; x < width; x++) data[y * width + x] = x < w ? clamp01((scaled[y * w + x]! - lo) / range) : paper;
  }
  return { data, width };
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

function decodeWeights(bin: Buffer, dtype: ModelJson['dtype'], offset: number, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'float32') return new Float32Array(bin.buffer.slice(bin.byteOffset + offset * 4, bin.byteOffset + (offset + n) * 4));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = halfToFloat(bin.readUInt16LE((offset + i) * 2));
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** tfjs-core with the WASM backend, shared with the face code (one engine per process). */
async function wasmTf(): Promise<Tf> {
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
  if (tf.getBackend() !== 'wasm') {
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs WASM backend failed to initialise');
  }
  await tf.ready();
  return tf;
}
