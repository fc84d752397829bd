// Locates the shared real-data fixtures (test/support/fixtures-dir.ts)
// for face tests and benches. They are absent on a user's clone: callers skip, saying why.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../support/fixtures-dir.js';

export { FIXTURES_DIR };
const REAL = join(FIXTURES_DIR, 'real');
const MANIFEST = join(REAL, 'MANIFEST.json');

export const FIXTURES_MISSING = existsSync(MANIFEST)
  ? undefined
  : `real fixtures not found at ${FIXTURES_DIR} (they live outside the repo; a plain clone has none)`;

interface ManifestFile {
  path: string;
  kind: string;
  duration_s?: number;
  ground_truth?: { identity?: string | null; num_faces?: number; portrait_identity?: string };
}

export interface LabelledFace {
  path: string;
  identity: string;
}

export interface PortraitDocument {
  path: string;
  portraitIdentity: string;
}

function manifest(): ManifestFile[] {
  const parsed = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: ManifestFile[] };
  return parsed.files;
}

/** Face photos showing exactly one labelled person. */
export function labelledFaces(): LabelledFace[] {
  return manifest()
    .filter((f) => f.kind === 'face' && f.ground_truth?.identity && (f.ground_truth.num_faces ?? 1) === 1)
    .map((f) => ({ path: join(REAL, f.path), identity: f.ground_truth?.identity as string }));
}

/** Documents whose portrait is labelled with an identity that also appears among the faces. */
export function portraitDocuments(): PortraitDocument[] {
  return manifest()
    .filter((f) => f.ground_truth?.portrait_identity)
    .map((f) => ({ path: join(REAL, f.path), portraitIdentity: f.ground_truth?.portrait_identity as string }));
}

/** Absolute path of a fixture video by file name, e.g. "liveportrait__d0.mp4". */
export function fixtureVideo(name: string): string {
  return join(REAL, 'videos', name);
}

/** Absolute path of a fixture face photo by file name. */
export function fixtureFace(name: string): string {
  return join(REAL, 'faces', name);
}
