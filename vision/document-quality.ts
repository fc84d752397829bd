import sharp, { type OutputInfo } from 'sharp';
import { DAMAGED_IMAGE, decodeImage, inspectImage, UnreadableImage } from './image-decode.js';

export { MAX_INPUT_PIXELS, UnreadableImage } from './image-decode.js';

/**
 * Photo quality checks before OCR: resolution, sharpness (variance of the Laplacian), glare
 * (share of clipped highlights) and exposure (mean brightness). Scores are returned whether or
 * not they pass, so the client can show them; `issues` says what to fix.
 */
export interface QualityScores {
  width: number;
  height: number;
  /** Variance of the Laplacian on a 1000-px-wide greyscale copy: low means blurry. */
  sharpness: number;
  /** Share of the image in clipped-highlight patches brighter than the document around them (0..1). */
  glare: number;
  /** Mean brightness, 0 (black) .. 255 (white). */
  brightness: number;
}

export type QualityIssueCode = 'LOW_RESOLUTION' | 'BLURRY' | 'GLARE' | 'TOO_DARK' | 'OVEREXPOSED';
export interface QualityIssue {
  code: QualityIssueCode;
  message: string;
}

export interface QualityReport {
  passed: boolean;
  scores: QualityScores;
  issues: QualityIssue[];
}

export interface QualityThresholds {
  minShortSide: number;
  minSharpness: number;
  maxGlare: number;
  minBrightness: number;
  maxBrightness: number;
}

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  minShortSide: 300,
  minSharpness: 60,
  maxGlare: 0.04,
  minBrightness: 70,
  maxBrightness: 235,
};

const ANALYSIS_WIDTH = 1000;
const CLIPPED = 250;
const LAPLACIAN = { width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], offset: 128 };

export async function assessQuality(image: Buffer, thresholds = DEFAULT_QUALITY_THRESHOLDS): Promise<QualityReport> {
  let grey: { data: Buffer; info: OutputInfo };
  let width: number, height: number;
  try {
    ({ width, height } = await inspectImage(image));
    // Decoded fully (a truncated file fails here), EXIF orientation applied.
    grey = await (await decodeImage(image)).resize({ width: ANALYSIS_WIDTH, withoutEnlargement: true }).greyscale().raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (err instanceof UnreadableImage) throw err;
    throw new UnreadableImage(DAMAGED_IMAGE, { cause: err });
  }
  const edges = await sharp(grey.data, { raw: { width: grey.info.width, height: grey.info.height, channels: 1 } })
    .convolve(LAPLACIAN)
    .raw()
    .toBuffer();
  const scores: QualityScores = {
    width,
    height,
    sharpness: round(variance(edges)),
    glare: round(glareShare(grey.data, grey.info.width, grey.info.height), 4),
    brightness: round(mean(grey.data)),
  };
  const issues = judge(scores, thresholds);
  return { passed: issues.length === 0, scores, issues };
}

function judge(s: QualityScores, t: QualityThresholds): QualityIssue[] {
  const issues: QualityIssue[] = [];
  if (Math.min(s.width, s.height) < t.minShortSide) issues.push({ code: 'LOW_RESOLUTION', message: `The photo is too small (${s.width}×${s.height}); move closer or use a higher camera resolution.` });
  if (s.sharpness < t.minSharpness) issues.push({ code: 'BLURRY', message: 'The photo is blurry; hold the camera steady and let it focus.' });
  if (s.glare > t.maxGlare) issues.push({ code: 'GLARE', message: 'Light reflects off the document; tilt it or move away from direct light.' });
  if (s.brightness < t.minBrightness) issues.push({ code: 'TOO_DARK', message: 'The photo is too dark; find better light.' });
  if (s.brightness > t.maxBrightness) issues.push({ code: 'OVEREXPOSED', message: 'The photo is overexposed; avoid direct light or flash.' });
  return issues;
}

/**
 * Glare is a clipped patch on a document that is otherwise darker. Counting clipped pixels alone
 * would flag every scan on white paper, so: split the image into a grid, and count the cells that
 * are mostly clipped only when the typical cell is clearly below clipping.
 */
const GRID = 10;
function glareShare(data: Buffer, width: number, height: number): number {
  const cells: Array<{ clipped: number; mean: number }> = [];
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      let clipped = 0;
      let sum = 0;
      let n = 0;
      for (let y = Math.floor((gy * height) / GRID); y < Math.floor(((gy + 1) * height) / GRID); y++) {
        for (let x = Math.floor((gx * width) / GRID); x < Math.floor(((gx + 1) * width) / GRID); x++) {
          const v = data[y * width + x]!;
          sum += v;
          if (v >= CLIPPED) clipped++;
          n++;
        }
      }
      cells.push({ clipped: clipped / Math.max(n, 1), mean: sum / Math.max(n, 1) });
    }
  }
  const typical = [...cells].sort((a, b) => a.mean - b.mean)[Math.floor(cells.length / 2)]!.mean;
  if (typical > TYPICAL_BRIGHT) return 0;
  return cells.filter((cell) => cell.clipped > 0.5).length / cells.length;
}
const TYPICAL_BRIGHT = 215;

const mean = (data: Buffer): number => data.reduce((sum, v) => sum + v, 0) / data.length;
function variance(data: Buffer): number {
  const m = mean(data);
  return data.reduce((sum, v) => sum + (v - m) ** 2, 0) / data.length;
}
const round = (v: number, digits = 1): number => Number(v.toFixed(digits));
