import { extractFrames, type VideoInput } from './ffmpeg-frames.js';
import type { RgbImage } from './rgb-image.js';

/**
 * Recognises a liveness recording by what it shows, not by its bytes: appending bytes, re-muxing,
 * re-encoding or trimming a clip leaves its decoded frames (nearly) the same, so a replayed
 * recording is found however its file was changed.
 *
 * The clip is sampled on a fixed grid (10 fps, small frames), whatever action it was recorded for,
 * so two uploads of one recording are sampled alike. Each frame gets a 256-bit difference hash: the luma on a 17×16 grid of cell means, one
 * bit per cell saying whether it is brighter than its right neighbour. The bits follow the picture's
 * structure at the scale of ~1/16 of the frame, so compression noise and brightness changes barely
 * move them, while another take (the head a few pixels elsewhere, another moment of the movement)
 * moves many. Two clips are the same recording when, at some time offset, nearly all frames of the
 * shorter one have a near-identical frame at the same moment of the other.
 */
const COLS = 16;
const ROWS = 16;
export const HASH_BITS = COLS * ROWS;

export interface VideoFingerprint {
  /** Sampling time of each frame, seconds from the start of the clip. */
  times: number[];
  /** One hex hash of HASH_BITS bits per frame. */
  hashes: string[];
}

export interface ReplayThresholds {
  /** Frames at most this many bits apart show the same picture. */
  maxFrameBits: number;
  /** Share of the shorter clip's frames that must match at one offset. */
  minMatchedShare: number;
  /** Fewer aligned frames than this decide nothing. */
  minAlignedFrames: number;
}

/**
 * Chosen on generated clips (`npm run bench:replay` prints every set): the strictest frame match
 * that still finds re-encoded and trimmed copies, so that another take of the same scene by a
 * hand that moves a few pixels is new.
 */
export const DEFAULT_REPLAY_THRESHOLDS: ReplayThresholds = { maxFrameBits: 24, minMatchedShare: 0.8, minAlignedFrames: 5 };

/** How clips are sampled for their fingerprint: every clip the same way (15 s at most are accepted). */
const SAMPLING = { fps: 10, maxFrames: 150, maxSide: 160 } as const;

/** Decodes a clip on the fingerprint's grid (ffmpeg, as for scoring) and fingerprints it. */
export async function fingerprintVideo(video: VideoInput): Promise<VideoFingerprint> {
  return videoFingerprint((await extractFrames(video, SAMPLING)).frames);
}

/** The fingerprint of decoded frames (compare only fingerprints sampled alike). */
export function videoFingerprint(frames: ReadonlyArray<RgbImage & { timeS: number }>): VideoFingerprint {
  return { times: frames.map((f) => round(f.timeS)), hashes: frames.map((f) => frameHash(f)) };
}

/** The 256-bit difference hash of one frame, as hex. */
export function frameHash(image: RgbImage): string {
  const grid = lumaGrid(image, COLS + 1, ROWS);
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

export interface ReplayMatch {
  /** Share of the shorter clip's frames with a near-identical frame at the best offset. */
  matchedShare: number;
  alignedFrames: number;
  /** Seconds to add to `a`'s times to land on `b`'s. */
  offsetS: number;
  replay: boolean;
}

/**
 * Compares two fingerprints at every time offset that puts a frame of one on a frame of the other
 * (so trimmed copies and other sampling rates line up), keeping the offset where most frames match.
 */
export function compareFingerprints(a: VideoFingerprint, b: VideoFingerprint, thresholds: ReplayThresholds = DEFAULT_REPLAY_THRESHOLDS): ReplayMatch {
  const [short, long, sign] = a.times.length <= b.times.length ? [a, b, 1] : [b, a, -1];
  const [shortWords, longWords] = [words(short.hashes.join('')), words(long.hashes.join(''))];
  const stride = HASH_BITS / 32;
  const tolerance = (sampleInterval(short) + sampleInterval(long)) / 4 + 1e-6;
  // Offsets that put a frame on a frame, on a 25 ms grid (finer than any sampling interval used).
  const offsets = new Set<number>();
  for (const ts of short.times) for (const tl of long.times) offsets.add(Math.round((tl - ts) / OFFSET_STEP_S) * OFFSET_STEP_S);
  let best: ReplayMatch = { matchedShare: 0, alignedFrames: 0, offsetS: 0, replay: false };
  for (const offset of offsets) {
    let aligned = 0;
    let matched = 0;
    for (const [i, t] of short.times.entries()) {
      const j = nearest(long.times, t + offset, tolerance);
      if (j < 0) continue;
      aligned++;
      if (hamming(shortWords, i * stride, longWords, j * stride) <= thresholds.maxFrameBits) matched++;
    }
    if (aligned < thresholds.minAlignedFrames) continue;
    const matchedShare = matched / short.times.length;
    if (matchedShare > best.matchedShare) best = { matchedShare, alignedFrames: aligned, offsetS: round(sign * offset), replay: false };
  }
  return { ...best, replay: best.matchedShare >= thresholds.minMatchedShare };
}

const OFFSET_STEP_S = 0.025;

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

const sampleInterval = (f: VideoFingerprint): number => (f.times.length > 1 ? (f.times.at(-1)! - f.times[0]!) / (f.times.length - 1) : 0.1);
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
