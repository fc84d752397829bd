/**
 * Locates the MRZ with a whitelisted sparse-text OCR pass over the whole page: the MRZ is the last
 * run of long filler/digit-rich lines. Returns that pass's text (one read) plus the region and skew
 * to crop for the precise passes.
 */
import { pagePng, type GreyImage, type Rect } from './image-prep.js';
import { findMrzBlock, findMrzLine, type MrzBlock } from './mrz-text.js';
import { MRZ_WHITELIST, type OcrLine, type TesseractPool } from './tesseract-pool.js';

/** How much upright text the locating pass saw: with plenty, other rotations are not worth a pass. */
export interface PageText { lines: number; confidence: number }

export interface MrzLocation { block: MrzBlock; rect: Rect; angleDeg: number; lineHeight: number; confidence: number }

const LOCATE_WIDTH = 1200;

export async function locateMrz(pool: TesseractPool, img: GreyImage, page?: PageText): Promise<MrzLocation | null> {
  const { png, scale } = await pagePng(img, LOCATE_WIDTH);
  const ocr = await pool.recognize(png, { psm: '11', whitelist: MRZ_WHITELIST });
  const lines = ocr.lines.filter((l) => l.text.trim().length > 0).sort((a, b) => a.bbox.y0 - b.bbox.y0);
  if (page) {
    const words = lines.filter((l) => l.text.trim().length >= 4 && l.confidence >= 60);
    page.lines = words.length;
    page.confidence = mean(words.map((l) => l.confidence));
  }
  const block = findMrzBlock(lines.map((l) => l.text)) ?? findMrzLine(lines.map((l) => l.text));
  if (!block) return null;
  const picked = block.lineIdx.map((i) => lines[i]!);
  return { block, ...regionOf(picked, scale, img), confidence: mean(picked.map((l) => l.confidence)) / 100 };
}

function regionOf(lines: OcrLine[], scale: number, img: GreyImage) {
  const x0 = Math.min(...lines.map((l) => l.bbox.x0)) / scale;
  const x1 = Math.max(...lines.map((l) => l.bbox.x1)) / scale;
  const y0 = Math.min(...lines.map((l) => l.bbox.y0)) / scale;
  const y1 = Math.max(...lines.map((l) => l.bbox.y1)) / scale;
  const lineHeight = mean(lines.map((l) => l.bbox.y1 - l.bbox.y0)) / scale;
  const angleDeg = mean(lines.map((l) => Math.atan2(l.baseline.y1 - l.baseline.y0, l.baseline.x1 - l.baseline.x0))) * (180 / Math.PI);
  // Skewed lines have taller boxes; pad by a line and a bit so no glyph is clipped.
  // A two-line find may have missed a TD1's first or last line: look one line higher and lower.
  // A single line found may be any of two or three: look two lines higher and lower.
  const padY = lines.length === 1 ? lineHeight * 3.5 : lines.length === 2 ? lineHeight * 2 : lineHeight * 0.6;
  const padTop = padY;
  const padX = Math.max(lineHeight, (x1 - x0) * 0.03);
  const rect = { left: x0 - padX, top: y0 - padTop, width: x1 - x0 + 2 * padX, height: y1 - y0 + padTop + padY };
  return { rect: clip(rect, img), angleDeg: Math.abs(angleDeg) > 25 ? 0 : angleDeg, lineHeight: skewCorrectedHeight(lineHeight, angleDeg, x1 - x0) };
}

/** A skewed line's box height includes the slope; the glyph height is what scaling needs. */
function skewCorrectedHeight(boxHeight: number, angleDeg: number, width: number): number {
  const slope = Math.abs(Math.tan((angleDeg * Math.PI) / 180)) * width;
  return Math.max(boxHeight * 0.5, boxHeight - slope);
}

function clip(r: Rect, img: GreyImage): Rect {
  const left = Math.max(0, r.left), top = Math.max(0, r.top);
  return { left, top, width: Math.min(img.width, r.left + r.width) - left, height: Math.min(img.height, r.top + r.height) - top };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
