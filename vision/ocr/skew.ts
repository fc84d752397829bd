/**
 * Skew estimation: a photo taken at a slant is levelled before its MRZ is looked for, since
 * tesseract's line finding fails past a few degrees.
 */
import type { GreyImage } from './image-prep.js';
import { inkMask } from './ink-mask.js';

const SKEW_WIDTH = 600;
/**
 * Gaussian sigma (px at SKEW_WIDTH) the page is smoothed by first: fine stripes at a slant (screen
 * moiré, guilloché) otherwise make sharper profiles than the text lines and win by 20°; glyphs
 * stay ink through it.
 */
const SKEW_SMOOTH = 0.6;
const SKEW_RANGE = 30; // degrees either side; a page turned further is a quarter turn plus this
const SKEW_GAIN = 1.3; // how much sharper the best angle must be than level to turn the page
const SKEW_INK_DELTA = 24; // grey levels darker than the neighbourhood that count as ink: faint print helps here
const MIN_INK_POINTS = 200;
const MAX_INK_POINTS = 20_000; // a sample this size fixes the angle as well as all of them

/**
 * Skew of the text lines modulo 90°, in degrees (positive: lines fall to the right), from the
 * projection profiles of ink pixels: at the right angle text lines and glyph columns stack into
 * sharp peaks. Folding modulo 90° makes a page's quarter turn irrelevant here; the caller turns.
 */
export async function estimateSkew(img: GreyImage): Promise<number> {
  const ink = await inkPoints(img);
  if (ink.xs.length < MIN_INK_POINTS) return 0;
  const sharpness = (deg: number) => profileSharpness(ink, deg) + profileSharpness(ink, deg + 90);
  const search = (from: number, to: number, step: number, start: { deg: number; score: number }) => {
    let best = start;
    for (let deg = from; deg <= to + 1e-9; deg += step) {
      const score = sharpness(deg);
      if (score > best.score) best = { deg, score };
    }
    return best;
  };
  const level = { deg: 0, score: sharpness(0) };
  const coarse = search(-SKEW_RANGE, SKEW_RANGE, 2, level);
  const fine = search(coarse.deg - 1.5, coarse.deg + 1.5, 0.25, coarse);
  // Only a clearly better angle turns the page: resampling a level scan only blurs it.
  return fine.score > level.score * SKEW_GAIN ? Math.round(fine.deg * 10) / 10 : 0;
}

async function inkPoints(img: GreyImage): Promise<{ xs: Float32Array; ys: Float32Array; span: number }> {
  const { mask, width, height } = await inkMask(img, SKEW_WIDTH, SKEW_INK_DELTA, SKEW_SMOOTH);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    // A fixed sub-pixel jitter, so the pixel grid itself does not make 0° and 90° look sharp.
    if (mask[i]) { xs.push((i % width) + jitter(i)); ys.push(Math.floor(i / width) + jitter(i + 7919)); }
  }
  const stride = Math.max(1, Math.ceil(xs.length / MAX_INK_POINTS));
  const keep = (_: number, i: number) => i % stride === 0;
  return { xs: Float32Array.from(xs.filter(keep)), ys: Float32Array.from(ys.filter(keep)), span: width + height };
}

const jitter = (i: number) => (((i * 2654435761) >>> 0) / 2 ** 32) - 0.5;

/**
 * How peaked the profile of the points projected across lines at this angle is: the squared
 * departure of each bin from its neighbourhood's mean, so text lines score and the projected
 * extent of the page does not.
 */
function profileSharpness({ xs, ys, span }: { xs: Float32Array; ys: Float32Array; span: number }, deg: number): number {
  const rad = (deg * Math.PI) / 180, sin = Math.sin(rad), cos = Math.cos(rad);
  const offset = span + 1; // a projection stays within ±(width + height)
  const bins = new Float64Array(2 * offset);
  for (let i = 0; i < xs.length; i++) bins[Math.round(ys[i]! * cos - xs[i]! * sin) + offset]!++;
  const prefix = new Float64Array(bins.length + 1);
  for (let i = 0; i < bins.length; i++) prefix[i + 1] = prefix[i]! + bins[i]!;
  let sum = 0;
  for (let i = PROFILE_WINDOW; i < bins.length - PROFILE_WINDOW; i++) {
    const mean = (prefix[i + PROFILE_WINDOW + 1]! - prefix[i - PROFILE_WINDOW]!) / (2 * PROFILE_WINDOW + 1);
    sum += (bins[i]! - mean) ** 2;
  }
  return sum;
}
const PROFILE_WINDOW = 6; // px either side: about a text line's pitch at SKEW_WIDTH

