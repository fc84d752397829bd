// `npm run bench:replay [-- --motion 0.8,0.9 --sets generated,real --pictures 12]`: how well the liveness replay fingerprint
// (vision/face/video-fingerprint.ts) tells a replayed recording from a new take, next to the
// baseline it replaced (sha256 of the file). Generated clips always; the real clips of
// ../shared/fixtures too when present (a test set: figures only, nothing is tuned on it).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { handheldTake } from '../test/support/synthetic-videos.js';
import { extractFrames } from '../vision/face/ffmpeg-frames.js';
import { resolveFfmpeg } from '../vision/face/ffmpeg-binary.js';
import { compareFingerprints, DEFAULT_REPLAY_THRESHOLDS, fingerprintVideo } from '../vision/face/video-fingerprint.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { motion: { type: 'string', default: '0,0.8,0.85,0.9,0.95' }, sets: { type: 'string', default: 'generated,real' }, pictures: { type: 'string', default: '12' }, bits: { type: 'string' } } });
/** Overrides maxFrameBits, to compare (`--bits 48`). */
const THRESHOLDS = { ...DEFAULT_REPLAY_THRESHOLDS, ...(values.bits ? { maxFrameBits: Number(values.bits) } : {}) };
/** minMotionMatch values to compare (0: appearance alone, as the first version). */
const MOTION = values.motion.split(',').map(Number);
const SETS = values.sets.split(',');
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = process.env.KYCFLOW_FIXTURES_DIR ?? process.env.KYCFLOW_SHARED_FIXTURES ?? resolve(REPO, '../shared/fixtures');
const REAL_VIDEOS = resolve(FIXTURES, 'real/videos');
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

const dir = await mkdtemp(join(tmpdir(), 'kycflow-replay-bench-'));
const { ffmpeg } = resolveFfmpeg();
const ff = (args: string[]) => run(ffmpeg, ['-y', '-loglevel', 'error', ...args], { maxBuffer: 1 << 24 });
let made = 0;
const out = (ext = 'mp4') => join(dir, `clip-${made++}.${ext}`);

/** What an attacker does to a recorded clip to make its file "new". */
const REPLAYS: Record<string, (src: string) => Promise<string>> = {
  'bytes appended': async (src) => {
    const path = out();
    await writeFile(path, Buffer.concat([await readFile(src), Buffer.from('kycflow replay '.repeat(4))]));
    return path;
  },
  'remuxed (MOV)': async (src) => {
    const path = out('mov');
    await ff(['-i', src, '-c', 'copy', path]);
    return path;
  },
  're-encoded CRF 30': async (src) => reencode(src, ['-crf', '30']),
  're-encoded CRF 40': async (src) => reencode(src, ['-crf', '40']),
  'first 0.37 s cut': async (src) => reencode(src, ['-ss', '0.37'], true),
  'brighter': async (src) => reencode(src, ['-vf', 'eq=brightness=0.06']),
  'scaled to 75 %': async (src) => reencode(src, ['-vf', 'scale=trunc(iw*0.375)*2:trunc(ih*0.375)*2']),
  'cropped 5 % per side': async (src) => reencode(src, ['-vf', 'crop=trunc(iw*0.45)*2:trunc(ih*0.45)*2']),
  'mirrored': async (src) => reencode(src, ['-vf', 'hflip']),
};

async function reencode(src: string, args: string[], seekFirst = false): Promise<string> {
  const path = out();
  const [seek, rest] = seekFirst ? [args, []] : [[], args];
  await ff([...seek, '-i', src, ...rest, ...H264, path]);
  return path;
}

/** A generated take of a picture (see SyntheticVideos.handheld); another seed is another take. */
async function take(picture: string, seed: number, sway: number): Promise<string> {
  const path = out();
  await handheldTake(picture, path, { seed, sway });
  return path;
}

/** Pictures for generated scenes: crops of the sample image inside @vladmandic/human. */
async function pictures(): Promise<string[]> {
  const samples = join(dirname(dirname(createRequire(import.meta.url).resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
  const crops = ['156:156:0:0', '156:156:160:0', '220:156:320:0', '150:156:640:0', '156:156:800:0', '220:156:908:0', '300:300:180:420', '300:300:520:380', '300:300:860:480', '300:300:60:620', '300:300:400:700', '300:300:760:760'];
  return Promise.all(crops.map(async (crop, i) => {
    const path = join(dir, `picture-${i}.png`);
    await ff(['-i', samples, '-vf', `crop=${crop}`, path]);
    return path;
  }));
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

interface Pair {
  set: string;
  kind: string;
  replay: boolean;
  /** Whether it is taken for a replay at each MOTION threshold. */
  found: boolean[];
  matchedShare: number;
  motionMatch: number;
  sameFile: boolean;
}

/** Compares a stored recording with a new upload, as the liveness activity does. */
async function pair(set: string, kind: string, replay: boolean, stored: string, upload: string): Promise<Pair> {
  const [a, b] = await Promise.all([fingerprintVideo(stored), fingerprintVideo(upload)]);
  const found = MOTION.map((minMotionMatch) => compareFingerprints(b, a, { ...THRESHOLDS, minMotionMatch }).replay);
  // For a pair not taken for a replay, the offset that came closest to one: the margins.
  const { matchedShare, motionMatch } = compareFingerprints(b, a, THRESHOLDS);
  return { set, kind, replay, found, matchedShare, motionMatch, sameFile: (await sha256(stored)) === (await sha256(upload)) };
}

const pairs: Pair[] = [];
const started = Date.now();
try {
  const pics = SETS.includes('generated') ? (await pictures()).slice(0, Number(values.pictures)) : [];
  for (const [i, picture] of pics.entries()) {
    const sway = [2, 6, 15][i % 3]!;
    const original = await take(picture, i, sway);
    for (const [kind, replay] of Object.entries(REPLAYS)) pairs.push(await pair('generated', kind, true, original, await replay(original)));
    for (const seed of [i + 100, i + 300]) pairs.push(await pair('generated', `another take, same scene (sway ${sway} px)`, false, original, await take(picture, seed, sway)));
    pairs.push(await pair('generated', 'another scene', false, original, await take(pics[(i + 1) % pics.length]!, i + 200, sway)));
  }
  if (SETS.includes('real') && existsSync(REAL_VIDEOS)) {
    const clips = ['liveportrait__d0.mp4', 'liveportrait__d3.mp4', 'liveportrait__d12.mp4', 'liveportrait__d19.mp4', 'fr__short_hamilton_clip.mp4'].map((name) => join(REAL_VIDEOS, name));
    const segments: string[][] = [];
    for (const clip of clips) {
      const parts: string[] = [];
      for (const start of [0, 3.2, 6.4]) {
        const path = out();
        await ff(['-ss', String(start), '-t', '3', '-i', clip, ...H264, path]).catch(() => undefined);
        if (existsSync(path) && (await extractFrames(path, { fps: 5 }).then((r) => r.frames.length >= 10, () => false))) parts.push(path);
      }
      segments.push(parts);
    }
    for (const [c, parts] of segments.entries()) {
      for (const segment of parts) {
        for (const [kind, replay] of Object.entries(REPLAYS)) pairs.push(await pair('real', kind, true, segment, await replay(segment)));
      }
      for (let k = 1; k < parts.length; k++) pairs.push(await pair('real', 'another moment, same clip', false, parts[0]!, parts[k]!));
      const other = segments[(c + 1) % segments.length]?.[0];
      if (other && parts[0]) pairs.push(await pair('real', 'another clip', false, parts[0], other));
    }
  } else if (SETS.includes('real')) {
    console.log(`(real clips: ${REAL_VIDEOS} is absent; generated clips only)`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const { maxFrameBits, minMatchedShare, minMotionMatch } = THRESHOLDS;
console.log(`\nreplay fingerprint, ${pairs.length} pairs in ${((Date.now() - started) / 1000).toFixed(0)} s. Replay when ≥ ${minMatchedShare * 100} % of frames look alike (within ${maxFrameBits} of 256 bits) and the motion correlates ≥ m (default m = ${minMotionMatch}; m = 0: appearance alone).`);
console.log('"found" = taken for a replay: for copies higher is better, for new takes it must be 0 %. Baseline: sha256 of the file, as before. Frames alike and motion at the offset found (not a replay: the one that came closest), min / median / max.\n');
const header = ['set', 'pairs', 'kind', 'sha256 (baseline)', ...MOTION.map((m) => `m=${m}`), 'frames alike', 'motion'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
const groups = new Map<string, Pair[]>();
for (const p of pairs) groups.set(`${p.set}\t${p.kind}`, [...(groups.get(`${p.set}\t${p.kind}`) ?? []), p]);
const pct = (n: number, of: number) => `${Math.round((100 * n) / of)} %`;
const spread = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  return [sorted[0]!, sorted[Math.floor(sorted.length / 2)]!, sorted.at(-1)!].map((x) => x.toFixed(2)).join(' / ');
};
for (const [key, group] of groups) {
  const [set, kind] = key.split('\t');
  const found = MOTION.map((_, i) => pct(group.filter((p) => p.found[i]).length, group.length));
  console.log(`| ${set} | ${group.length} | ${kind} | ${pct(group.filter((p) => p.sameFile).length, group.length)} | ${found.join(' | ')} | ${spread(group.map((p) => p.matchedShare))} | ${spread(group.map((p) => p.motionMatch))} |`);
}
for (const set of new Set(pairs.map((p) => p.set))) {
  const [copies, fresh] = [pairs.filter((p) => p.set === set && p.replay), pairs.filter((p) => p.set === set && !p.replay)];
  const at = MOTION.indexOf(minMotionMatch);
  console.log(`${set}: copies found ${pct(copies.filter((p) => p.found[at]).length, copies.length)} (sha256 ${pct(copies.filter((p) => p.sameFile).length, copies.length)}), new takes taken for replays ${fresh.filter((p) => p.found[at]).length} of ${fresh.length}`);
}
