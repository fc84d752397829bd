import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TfCore from '@tensorflow/tfjs-core';

/**
 * Minimal typed view of @vladmandic/human: only what the analyzer uses. The package's own
 * declarations drag in a bundled tfjs typing that fights `strict` + NodeNext, so we keep
 * the surface here and check the shapes at the boundary.
 */
export type Point = [number, number, number?];

export interface HumanFace {
  score: number;
  box: [number, number, number, number];
  mesh: Point[];
  rotation?: { angle: { yaw: number; pitch: number; roll: number } } | null;
  emotion?: Array<{ score: number; emotion: string }>;
  embedding?: number[];
}

export interface HumanResult {
  face: HumanFace[];
}

export interface HumanInstance {
  load(): Promise<void>;
  warmup(): Promise<unknown>;
  detect(input: TfCore.Tensor, config?: Record<string, unknown>): Promise<HumanResult>;
}

export type Tf = typeof TfCore;

interface HumanModule {
  Human: new (config: Record<string, unknown>) => HumanInstance;
}

const require = createRequire(import.meta.url);

/** The package root, found through its `main` entry (its exports map is not valid for subpaths). */
function humanRoot(): string {
  return dirname(dirname(require.resolve('@vladmandic/human')));
}

export function humanModelDir(): string {
  return join(humanRoot(), 'models');
}

export function wasmBinaryDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}

/**
 * Loads tfjs-core through CommonJS so that human's own `require('@tensorflow/tfjs-core')`
 * and ours share one engine (one backend registry, one tensor count).
 */
export function loadTf(): Tf {
  return require('@tensorflow/tfjs-core') as Tf;
}

export function loadHumanModule(): HumanModule {
  const mod = require(join(humanRoot(), 'dist', 'human.node-wasm.js')) as Partial<HumanModule>;
  if (typeof mod.Human !== 'function') throw new Error('@vladmandic/human: Human class not found in human.node-wasm.js');
  return mod as HumanModule;
}

let routerRegistered = false;

/** Without tfjs-node nothing can load `file://` models; serve them from disk ourselves. */
export function registerFileModelLoader(tf: Tf): void {
  if (routerRegistered) return;
  routerRegistered = true;
  const router = (url: string | string[]): TfCore.io.IOHandler | null => {
    const first = Array.isArray(url) ? url[0] : url;
    if (typeof first !== 'string' || !first.startsWith('file://')) return null;
    return { load: () => loadModelArtifacts(fileURLToPath(first)) };
  };
  // tfjs types a router as always returning a handler, but its registry skips null (= "not mine").
  tf.io.registerLoadRouter(router as LoadRouter);
}

type LoadRouter = Parameters<Tf['io']['registerLoadRouter']>[0];

interface ModelJson {
  modelTopology: TfCore.io.ModelArtifacts['modelTopology'];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  weightsManifest: Array<{ paths: string[]; weights: TfCore.io.WeightsManifestEntry[] }>;
}

async function loadModelArtifacts(jsonPath: string): Promise<TfCore.io.ModelArtifacts> {
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  const dir = dirname(jsonPath);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}
