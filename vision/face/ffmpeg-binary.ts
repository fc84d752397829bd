import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { FfmpegUnavailable } from './errors.js';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string | undefined;
}

let cached: FfmpegBinaries | undefined;

/**
 * Resolves ffmpeg from FFMPEG_PATH, then PATH, then the optional npm package
 * `@ffmpeg-installer/ffmpeg` (which ships the binary). ffprobe is looked up next to
 * ffmpeg, then on PATH (FFPROBE_PATH wins); without it probing falls back to ffmpeg.
 */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegBinaries {
  if (cached && env === process.env) return cached;
  const ffmpeg = fromEnv('FFMPEG_PATH', env) ?? onPath('ffmpeg', env) ?? fromNpmPackage();
  if (!ffmpeg) throw new FfmpegUnavailable('ffmpeg not found: set FFMPEG_PATH, install ffmpeg, or npm install @ffmpeg-installer/ffmpeg');
  const sibling = join(dirname(ffmpeg), 'ffprobe');
  const ffprobe = fromEnv('FFPROBE_PATH', env) ?? (isExecutable(sibling) ? sibling : undefined) ?? onPath('ffprobe', env);
  const found = { ffmpeg, ffprobe };
  if (env === process.env) cached = found;
  return found;
}

/** A configured path that does not work is a deployment error: say so rather than fall back. */
function fromEnv(name: 'FFMPEG_PATH' | 'FFPROBE_PATH', env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!isExecutable(value)) throw new FfmpegUnavailable(`${name}=${value} is not an executable file`);
  return value;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpmPackage(): string | undefined {
  try {
    // Optional dependency: only present when someone chose the npm-shipped binary.
    const mod = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    return typeof mod.path === 'string' && isExecutable(mod.path) ? mod.path : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
