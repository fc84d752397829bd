import { extractFrames, type VideoInput } from './ffmpeg-frames.js';
import type { RgbImage } from './rgb-image.js';

/**
 * Recognises a liveness recording by what it shows, not by its bytes: appending bytes, re-muxing,
 * re-encoding or trimming a clip leaves its decoded frames (nearly) the same, so a replayed
 * recording is found however its file was changed.
 *
 * The clip is sampled on a fixed grid (10 fps, small frames), whatever action it was recorded for,
 * so two uploads of one recording are sampled alike. Each frame is reduced to the mean luma of a
 * 17×16 grid of cells, and two signatures are read from these grids:
 * - appearance: a 256-bit difference hash per frame (is each cell brighter than its right
 *   neighbour?). It follows the picture's structure, so compression noise and brightness barely
 *   move it; but another take of the same still scene (the phone a pixel elsewhere) looks the same
 *   too, so appearance alone cannot tell a new take from a copy.
 * - motion: how every cell changes from one frame to the next. That is the path this hand (or
 *   this head) happened to take: a copy of the recording repeats it exactly, a new take of the
 *   same scene follows another path, however alike its frames look.
 * Two clips are the same recording when, at one time offset, nearly all frames of the shorter one
 * look like the frame at the same moment of the other AND their frame-to-frame changes correlate
 * strongly. A clip without motion (a tripod, a still) never matches on motion: when in doubt the
 * video is new, since refusing an honest user is worse than scoring a copy (which still has to
 * pass the liveness checks).
 */
const COLS = 16;
const ROWS = 16;
export const HASH_BITS = COLS * ROWS;
/** The luma grid behind both signatures: COLS + 1 columns, so each hash bit compares two cells. */
const GRID_CELLS = (COLS + 1) * ROWS;
/** Grid values are stored as luma × LUMA_SCALE in uint16 (sub-level changes matter for slow motion). */
const LUMA_SCALE = 64;

export interface VideoFingerprint {
  /** Sampling time of each frame, seconds from the start of the clip. */
  times: number[];
  /** One hex hash of HASH_BITS bits per frame. */
  hashes: string[];
  /** Each frame's luma grid (GRID_CELLS cell means × LUMA_SCALE, little-endian uint16), base64: the motion signature's source. */
  grids: string;
}

export interface ReplayThresholds {
  /** Frames at most this many bits apart show the same picture. */
  maxFrameBits: number;
  /** Share of the shorter clip's frames that must match at one offset. */
  minMatchedShare: number;
  /** Fewer aligned frames than this decide nothing. */
  minAlignedFrames: number;
  /** The frame-to-frame changes of the two clips must correlate at least this much (cosine). */
  minMotionMatch: number;
}

/**
 * Chosen on generated clips (`npm run bench:replay` prints every set). Appearance is loose (48 of
 * 256 bits: copies re-encoded at CRF 40, brightened or scaled stay within it); motion decides:
 * there copies correlate ≥ 0.98 and new takes of the same scene ≤ 0.82, so 0.9 sits between.
 */
export const DEFAULT_REPLAY_THRESHOLDS: ReplayThresholds = { maxFrameBits: 48, minMatchedShare: 0.8, minAlignedFrames: 5, minMotionMatch: 0.9 };

/** How clips are sampled for their fingerprint: every clip the same way (15 s at most are accepted). */
const SAMPLING = { fps: 10, maxFrames: 150, maxSide: 160 } as const;

/** Decodes a clip on the fingerprint's grid (ffmpeg, as for scoring) and fingerprints it. */
export async function fingerprintVideo(video: VideoInput): Promise<VideoFingerprint> {
  return videoFingerprint((await extractFrames(video, SAMPLING)).frames);
}

/** The fingerprint of decoded frames (compare only fingerprints sampled alike). */
export function videoFingerprint(frames: ReadonlyArray<RgbImage & { timeS: number }>): VideoFingerprint {
  const grids = new Uint16Array(frames.length * GRID_CELLS);
  const hashes = frames.map((frame, i) => {
    const grid = lumaGrid(frame, COLS + 1, ROWS);
    grids.set(grid.map((luma) => Math.round(luma * LUMA_SCALE)), i * GRID_CELLS);
    return hashOfGrid(grid);
  });
  return { times: frames.map((f) => round(f.timeS)), hashes, grids: Buffer.from(grids.buffer).toString('base64') };
}

/** The 256-bit difference hash of one frame, as hex. */
export function frameHash(image: RgbImage): string {
  return hashOfGrid(lumaGrid(image, COLS + 1, ROWS));
}

function hashOfGrid(grid: Float64Array): string {
  const bytes = new Uint8Array(HASH_BITS / 8);
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLS; x++) {
      const bit = y * COLS + x;
      if (grid[y * (COLS + 1) + x]! > grid[y * (COLS + 1) + x + 1]!) bytes[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return Buffer.from(bytes).toString('hex');
}

/** Mean luma of each cell of a cols × rows grid over the whole image. */
function lumaGrid({ width, height, data }: RgbImage, cols: number, rows: number): Float64Array {
  const sums = new Float64Array(cols * rows);
  const counts = new Float64Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const cell = row * cols + Math.min(cols - 1, Math.floor((x * cols) / width));
      const i = (y * width + x) * 3;
      sums[cell]! += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      counts[cell]! += 1;
    }
  }
  return sums.map((sum, i) => sum / Math.max(1, counts[i]!));
}

/** Bits that differ between two hashes. */
export function hammingDistance(a: string, b: string): number {
  return hamming(words(a), 0, words(b), 0);
}

/** A fingerprint's hashes as 32-bit words, HASH_BITS / 32 per frame, for fast comparison. */
function words(hex: string): Uint32Array {
  const out = new Uint32Array(hex.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return out;
}

function hamming(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  let bits = 0;
  for (let k = 0; k < HASH_BITS / 32; k++) {
    let x = (a[ai + k]! ^ b[bi + k]!) >>> 0;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    bits += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return bits;
}

/** A fingerprint's luma grids, GRID_CELLS values per frame. */
function gridsOf(f: VideoFingerprint): Uint16Array {
  const bytes = Buffer.from(f.grids ?? '', 'base64');
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export interface ReplayMatch {
  /** Share of the shorter clip's frames with a near-identical frame at the best offset. */
  matchedShare: number;
  /** Cosine of the two clips' frame-to-frame changes at that offset (1: the same motion). */
  motionMatch: number;
  alignedFrames: number;
  /** Seconds to add to `a`'s times to land on `b`'s. */
  offsetS: number;
  replay: boolean;
}

/**
 * Compares two fingerprints. First, cheaply, at every offset that puts a frame on a frame: offsets
 * where at least half the frames look alike are candidates. Then each candidate is refined in
 * OFFSET_STEP_S steps around it, the longer clip resampled at the shorter one's moments (a copy
 * trimmed by 0.37 s is sampled 30 ms off the original's frames; fast movement makes those frames
 * differ). A replay needs both signatures to agree at one offset; otherwise the offset that came
 * closest is reported (the bench reads its margins).
 */
export function compareFingerprints(a: VideoFingerprint, b: VideoFingerprint, thresholds: ReplayThresholds = DEFAULT_REPLAY_THRESHOLDS): ReplayMatch {
  const [short, long, sign] = a.times.length <= b.times.length ? [a, b, 1] : [b, a, -1];
  const clips = { short, long, shortGrids: gridsOf(short), longGrids: gridsOf(long) };
  let best: ReplayMatch = { matchedShare: 0, motionMatch: 0, alignedFrames: 0, offsetS: 0, replay: false };
  for (const offset of refinedOffsets(short, long, thresholds)) {
    const candidate = { ...compareAt(clips, offset, thresholds), offsetS: round(sign * offset) };
    if (candidate.replay) return candidate;
    if (closer(candidate, best, thresholds)) best = candidate;
  }
  return best;
}

const OFFSET_STEP_S = 0.025;
/**
 * Motion is the change over two sampled frames (0.2 s), not one: a copy trimmed between frames is
 * sampled a frame of the source off the original, and jerky movement makes 0.1 s changes differ
 * there (real trimmed copies: 0.72 at one frame, 0.84 at two), while new takes gain little (0.77 → 0.82).
 */
const MOTION_LAG = 2;

/** Offsets (seconds added to the short clip's times) worth a fine comparison, each with its OFFSET_STEP_S neighbours up to half a frame away. */
function refinedOffsets(short: VideoFingerprint, long: VideoFingerprint, thresholds: ReplayThresholds): number[] {
  const [shortWords, longWords] = [words(short.hashes.join('')), words(long.hashes.join(''))];
  const tolerance = (sampleInterval(short) + sampleInterval(long)) / 4 + 1e-6;
  const coarse = new Set<number>();
  for (const ts of short.times) for (const tl of long.times) coarse.add(round(tl - ts));
  const refined = new Set<number>();
  for (const offset of coarse) {
    const aligned = alignFrames(short.times, long.times, offset, tolerance);
    const alike = aligned.filter(([i, j]) => hamming(shortWords, i * (HASH_BITS / 32), longWords, j * (HASH_BITS / 32)) <= thresholds.maxFrameBits).length;
    if (aligned.length < thresholds.minAlignedFrames || alike < (short.times.length * thresholds.minMatchedShare) / 2) continue;
    const steps = Math.floor(sampleInterval(long) / 2 / OFFSET_STEP_S + 1e-9);
    for (let k = -steps; k <= steps; k++) refined.add(round(offset + k * OFFSET_STEP_S));
  }
  return [...refined];
}

/** Pairs [short index, long index] of frames at the same moment once `offset` is added to the short clip's times. */
function alignFrames(shortTimes: readonly number[], longTimes: readonly number[], offset: number, tolerance: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const [i, t] of shortTimes.entries()) {
    const j = nearest(longTimes, t + offset, tolerance);
    if (j >= 0) pairs.push([i, j]);
  }
  return pairs;
}

interface Clips {
  short: VideoFingerprint;
  long: VideoFingerprint;
  shortGrids: Uint16Array;
  longGrids: Uint16Array;
}

/**
 * Both signatures at one offset. Appearance: the share of the short clip's frames whose hash bits
 * (is a cell brighter than its right neighbour) differ from the resampled long clip's in at most
 * maxFrameBits places. Motion: the cosine between the two clips' changes over MOTION_LAG frames,
 * each change less its mean (a change of exposure or brightness is not motion). Two clips without
 * motion have only noise to compare, and noise does not correlate.
 */
function compareAt({ short, long, shortGrids, longGrids }: Clips, offset: number, thresholds: ReplayThresholds): Omit<ReplayMatch, 'offsetS'> {
  let [aligned, alike, dot, shortEnergy, longEnergy] = [0, 0, 0, 0, 0];
  const resampled = new Map<number, Float64Array>();
  for (let i = 0; i < short.times.length; i++) {
    const grid = resample(long.times, longGrids, short.times[i]! + offset);
    if (!grid) continue;
    aligned++;
    const own = shortGrids.subarray(i * GRID_CELLS, (i + 1) * GRID_CELLS);
    if (hashBitsApart(own, grid) <= thresholds.maxFrameBits) alike++;
    const earlier = resampled.get(i - MOTION_LAG);
    resampled.set(i, grid);
    if (earlier) {
      const before = shortGrids.subarray((i - MOTION_LAG) * GRID_CELLS, (i - MOTION_LAG + 1) * GRID_CELLS);
      const [ds, dl] = [changes(own, before), changes(grid, earlier)];
      for (let c = 0; c < GRID_CELLS; c++) {
        dot += ds[c]! * dl[c]!;
        shortEnergy += ds[c]! ** 2;
        longEnergy += dl[c]! ** 2;
      }
    }
  }
  const matchedShare = aligned >= thresholds.minAlignedFrames ? alike / short.times.length : 0;
  const motionMatch = shortEnergy > 0 && longEnergy > 0 ? dot / Math.sqrt(shortEnergy * longEnergy) : 0;
  return { matchedShare, motionMatch, alignedFrames: aligned, replay: matchedShare >= thresholds.minMatchedShare && motionMatch >= thresholds.minMotionMatch };
}

/** The grid at time `t`, linearly interpolated between the two frames around it (none outside the clip, beyond half a frame). */
function resample(times: readonly number[], grids: Uint16Array, t: number): Float64Array | undefined {
  const halfFrame = sampleIntervalOf(times) / 2 + 1e-6;
  if (times.length === 0 || t < times[0]! - halfFrame || t > times.at(-1)! + halfFrame) return undefined;
  let j = 0;
  while (j < times.length - 2 && times[j + 1]! <= t) j++;
  const next = Math.min(j + 1, times.length - 1);
  const span = times[next]! - times[j]!;
  const f = span > 0 ? Math.min(1, Math.max(0, (t - times[j]!) / span)) : 0;
  const out = new Float64Array(GRID_CELLS);
  for (let c = 0; c < GRID_CELLS; c++) out[c] = (1 - f) * grids[j * GRID_CELLS + c]! + f * grids[next * GRID_CELLS + c]!;
  return out;
}

/** How many difference-hash bits two grids disagree on. */
function hashBitsApart(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let bits = 0;
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLS; x++) {
      const c = y * (COLS + 1) + x;
      if (a[c]! > a[c + 1]! !== b[c]! > b[c + 1]!) bits++;
    }
  }
  return bits;
}

/** `after` − `before`, cell by cell, less the mean change. */
function changes(after: ArrayLike<number>, before: ArrayLike<number>): Float64Array {
  const out = Float64Array.from({ length: GRID_CELLS }, (_, c) => after[c]! - before[c]!);
  const mean = out.reduce((sum, d) => sum + d, 0) / GRID_CELLS;
  return out.map((d) => d - mean);
}

/** Which of two non-replays came closer to one: alike pictures with the most similar motion, else the most alike pictures. */
function closer(a: ReplayMatch, b: ReplayMatch, { minMatchedShare }: ReplayThresholds): boolean {
  const [alikeA, alikeB] = [a.matchedShare >= minMatchedShare, b.matchedShare >= minMatchedShare];
  if (alikeA !== alikeB) return alikeA;
  return alikeA ? a.motionMatch > b.motionMatch : a.matchedShare > b.matchedShare;
}

/** The index of the time within `tolerance` of `t`, or -1 (times are sorted). */
function nearest(times: readonly number[], t: number, tolerance: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  for (const j of [lo - 1, lo]) if (j >= 0 && Math.abs(times[j]! - t) <= tolerance) return j;
  return -1;
}

const sampleIntervalOf = (times: readonly number[]): number => (times.length > 1 ? (times.at(-1)! - times[0]!) / (times.length - 1) : 0.1);
const sampleInterval = (f: VideoFingerprint): number => sampleIntervalOf(f.times);
const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Keys for finding candidate earlier recordings in a store: the hashes of every fifth frame cut
 * into 16-bit bands, tagged with the band's position. A replay shares many of them; the
 * comparison decides.
 */
export function fingerprintKeys(f: VideoFingerprint): string[] {
  const keys = new Set<string>();
  for (const hash of f.hashes.filter((_, i) => i % 5 === 0)) {
    for (let band = 0; band < hash.length / 4; band++) keys.add(`${band}:${hash.slice(band * 4, band * 4 + 4)}`);
  }
  return [...keys];
}
