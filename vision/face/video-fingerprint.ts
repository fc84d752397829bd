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
 * there copies correlate ≥ 0.98 and new takes of the same scene ≤ 0.82 (at any offset), so 0.9 sits between.
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
 * where at least half the frames look alike and the motion is not far from matching are
 * candidates. Then each candidate is refined in OFFSET_STEP_S steps around it, the longer clip
 * resampled at the shorter one's moments (a copy trimmed by 0.37 s is sampled 30 ms off the
 * original's frames; fast movement makes those frames differ). A replay needs both signatures to
 * agree at one offset; otherwise the offset that came closest is reported (the bench reads its
 * margins). Every fingerprint is sampled at the same rate (SAMPLING), so a change over MOTION_LAG
 * frames spans the same time in both clips.
 */
export function compareFingerprints(a: VideoFingerprint, b: VideoFingerprint, thresholds: ReplayThresholds = DEFAULT_REPLAY_THRESHOLDS): ReplayMatch {
  const [short, long, sign] = a.times.length <= b.times.length ? [prepare(a), prepare(b), 1] : [prepare(b), prepare(a), -1];
  const { offsets, closest } = candidateOffsets(short, long, thresholds);
  let best: ReplayMatch = { ...closest, offsetS: round(sign * closest.offsetS) };
  for (const offset of offsets) {
    const candidate = { ...compareAt(short, long, offset, thresholds), offsetS: round(sign * offset) };
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
/** Candidates' motion, compared frame on nearest frame, may fall this far short (the refinement gains it back). */
const COARSE_MOTION_SLACK = 0.3;

interface Clip {
  times: number[];
  interval: number;
  words: Uint32Array;
  grids: Uint16Array;
  /** Per frame, the change since MOTION_LAG frames before, less its mean (zeros for the first frames). */
  changes: Float32Array;
}

function prepare(f: VideoFingerprint): Clip {
  const grids = gridsOf(f);
  const changes = new Float32Array(f.times.length * GRID_CELLS);
  for (let i = MOTION_LAG; i < f.times.length; i++) {
    let mean = 0;
    for (let c = 0; c < GRID_CELLS; c++) mean += (grids[i * GRID_CELLS + c]! - grids[(i - MOTION_LAG) * GRID_CELLS + c]!) / GRID_CELLS;
    for (let c = 0; c < GRID_CELLS; c++) changes[i * GRID_CELLS + c] = grids[i * GRID_CELLS + c]! - grids[(i - MOTION_LAG) * GRID_CELLS + c]! - mean;
  }
  return { times: f.times, interval: sampleInterval(f), words: words(f.hashes.join('')), grids, changes };
}

/**
 * Offsets (seconds added to the short clip's times) worth a fine comparison, each with its
 * OFFSET_STEP_S neighbours up to half a frame away; and the coarse offset that came closest.
 */
function candidateOffsets(short: Clip, long: Clip, thresholds: ReplayThresholds): { offsets: number[]; closest: ReplayMatch } {
  const tolerance = (short.interval + long.interval) / 4 + 1e-6;
  const coarse = new Set<number>();
  for (const ts of short.times) for (const tl of long.times) coarse.add(round(tl - ts));
  const refined = new Set<number>();
  let closest: ReplayMatch = { matchedShare: 0, motionMatch: 0, alignedFrames: 0, offsetS: 0, replay: false };
  for (const offset of coarse) {
    const aligned = alignFrames(short.times, long.times, offset, tolerance);
    const alike = aligned.filter(([i, j]) => hamming(short.words, i * (HASH_BITS / 32), long.words, j * (HASH_BITS / 32)) <= thresholds.maxFrameBits).length;
    if (aligned.length < thresholds.minAlignedFrames || alike < (short.times.length * thresholds.minMatchedShare) / 2) continue;
    const motion = new MotionCorrelation();
    for (const [i, j] of aligned) if (i >= MOTION_LAG && j >= MOTION_LAG) motion.add(short.changes, i, long.changes, j, 1);
    const here = { matchedShare: alike / short.times.length, motionMatch: motion.cosine(), alignedFrames: aligned.length, offsetS: offset, replay: false };
    if (closer(here, closest, thresholds)) closest = here;
    if (here.motionMatch < thresholds.minMotionMatch - COARSE_MOTION_SLACK) continue;
    const steps = Math.floor(long.interval / 2 / OFFSET_STEP_S + 1e-9);
    // The frame-on-frame offset first, then outwards (a copy sampled in step is found at once).
    for (let k = 0; k <= 2 * steps; k++) refined.add(round(offset + (k % 2 ? -1 : 1) * Math.ceil(k / 2) * OFFSET_STEP_S));
  }
  return { offsets: [...refined], closest };
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

/** The cosine between two clips' changes, summed over frames (a long clip's frame may be a blend of two). */
class MotionCorrelation {
  private dot = 0;
  private shortEnergy = 0;
  private longEnergy = 0;

  /** Adds short frame i against `weight` × long frame j, plus `rest.weight` × long frame `rest.j` when the moment falls between two frames. */
  add(shortChanges: Float32Array, i: number, longChanges: Float32Array, j: number, weight: number, rest?: { j: number; weight: number }): void {
    for (let c = 0; c < GRID_CELLS; c++) {
      const s = shortChanges[i * GRID_CELLS + c]!;
      const l = weight * longChanges[j * GRID_CELLS + c]! + (rest ? rest.weight * longChanges[rest.j * GRID_CELLS + c]! : 0);
      this.dot += s * l;
      this.shortEnergy += s * s;
      this.longEnergy += l * l;
    }
  }

  cosine(): number {
    return this.shortEnergy > 0 && this.longEnergy > 0 ? this.dot / Math.sqrt(this.shortEnergy * this.longEnergy) : 0;
  }
}

/**
 * Both signatures at one offset, the long clip linearly interpolated at the short one's moments.
 * Motion: the cosine between the two clips' changes over MOTION_LAG frames, each less its mean (a
 * change of exposure or brightness is not motion); two clips without motion have only noise to
 * compare, and noise does not correlate. Appearance (only where motion matches): the share of the
 * short clip's frames whose hash bits (is a cell brighter than its right neighbour) differ from the
 * resampled long clip's in at most maxFrameBits places.
 */
function compareAt(short: Clip, long: Clip, offset: number, thresholds: ReplayThresholds): Omit<ReplayMatch, 'offsetS'> {
  const moments: Array<{ i: number; j: number; f: number }> = [];
  for (let i = 0; i < short.times.length; i++) {
    const at = momentIn(long, short.times[i]! + offset);
    if (at) moments.push({ i, ...at });
  }
  const motion = new MotionCorrelation();
  for (const { i, j, f } of moments) {
    if (i >= MOTION_LAG && j >= MOTION_LAG) motion.add(short.changes, i, long.changes, j, 1 - f, f > 0 ? { j: j + 1, weight: f } : undefined);
  }
  const motionMatch = motion.cosine();
  if (moments.length < thresholds.minAlignedFrames) return { matchedShare: 0, motionMatch, alignedFrames: moments.length, replay: false };
  let alike = 0;
  if (motionMatch >= thresholds.minMotionMatch) {
    const grid = new Float64Array(GRID_CELLS);
    for (const { i, j, f } of moments) {
      for (let c = 0; c < GRID_CELLS; c++) grid[c] = (1 - f) * long.grids[j * GRID_CELLS + c]! + (f > 0 ? f * long.grids[(j + 1) * GRID_CELLS + c]! : 0);
      if (hashBitsApart(short.grids.subarray(i * GRID_CELLS, (i + 1) * GRID_CELLS), grid) <= thresholds.maxFrameBits) alike++;
    }
  }
  const matchedShare = alike / short.times.length;
  return { matchedShare, motionMatch, alignedFrames: moments.length, replay: matchedShare >= thresholds.minMatchedShare && motionMatch >= thresholds.minMotionMatch };
}

/** Where time `t` falls in a clip: frame j and the fraction f of the way to frame j + 1 (none outside the clip, beyond half a frame). */
function momentIn({ times, interval }: Clip, t: number): { j: number; f: number } | undefined {
  if (times.length === 0) return undefined;
  const position = (t - times[0]!) / interval;
  if (position < -0.5 || position > times.length - 0.5) return undefined;
  const j = Math.min(times.length - 1, Math.max(0, Math.floor(position + 1e-9)));
  const f = j + 1 < times.length ? Math.min(1, Math.max(0, position - j)) : 0;
  return f > 1 - 1e-9 ? { j: j + 1, f: 0 } : { j, f: f < 1e-9 ? 0 : f };
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

const sampleInterval = (f: VideoFingerprint): number => (f.times.length > 1 ? (f.times.at(-1)! - f.times[0]!) / (f.times.length - 1) : 1 / SAMPLING.fps);
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
