/**
 * Size-free description of one MRZ glyph on binarised pixels: where its ink sits in the line's
 * cap band (top, bottom, width as fractions of the cap height) and its ink, area-averaged onto a
 * small fixed grid. Shared by the template generator and the reader so both measure alike.
 */
import type { GreyImage } from './image-prep.js';

export const GRID_W = 10;
export const GRID_H = 14;

export interface GlyphFeatures { top: number; bottom: number; width: number; grid: Float32Array }
export interface InkBox { x0: number; x1: number; y0: number; y1: number } // inclusive

const isInk = (img: GreyImage, x: number, y: number) => img.data[y * img.width + x]! < 128;

/** Bounding box of the ink in a window, or null when there is none. */
export function inkBox(img: GreyImage, x0: number, x1: number, y0: number, y1: number): InkBox | null {
  let bx0 = Infinity, bx1 = -1, by0 = Infinity, by1 = -1;
  for (let y = Math.max(0, y0); y <= Math.min(img.height - 1, y1); y++) {
    for (let x = Math.max(0, x0); x <= Math.min(img.width - 1, x1); x++) {
      if (!isInk(img, x, y)) continue;
      if (x < bx0) bx0 = x; if (x > bx1) bx1 = x; if (y < by0) by0 = y; if (y > by1) by1 = y;
    }
  }
  return bx1 < 0 ? null : { x0: bx0, x1: bx1, y0: by0, y1: by1 };
}

/** Features of the ink in box, measured against a cap band [capTop, capBottom]. */
export function glyphFeatures(img: GreyImage, box: InkBox, capTop: number, capBottom: number): GlyphFeatures {
  const h = Math.max(1, capBottom - capTop);
  const grid = new Float32Array(GRID_W * GRID_H);
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  // Area average: every pixel of the box adds to the grid cell it falls into.
  const counts = new Float32Array(GRID_W * GRID_H);
  for (let y = box.y0; y <= box.y1; y++) {
    const gy = Math.min(GRID_H - 1, Math.floor(((y - box.y0) * GRID_H) / bh));
    for (let x = box.x0; x <= box.x1; x++) {
      const gx = Math.min(GRID_W - 1, Math.floor(((x - box.x0) * GRID_W) / bw));
      counts[gy * GRID_W + gx]!++;
      if (isInk(img, x, y)) grid[gy * GRID_W + gx]!++;
    }
  }
  for (let i = 0; i < grid.length; i++) grid[i] = counts[i]! ? grid[i]! / counts[i]! : 0;
  return { top: (box.y0 - capTop) / h, bottom: (box.y1 + 1 - capTop) / h, width: bw / h, grid };
}

/**
 * Fonts differ in how much taller digits are than capitals (OCR-B's by 8 %, many printed MRZs' by
 * none), and a line's band is set by whichever kind dominates it; a placement difference that small
 * says nothing about the character, so it is ignored ('<' sits far lower than either).
 */
const PLACEMENT_SLACK = Number(process.env.MRZ_SLACK ?? 0.1);

/** Lower is more alike: mean ink difference plus the placement and proportion differences. */
export function glyphDistance(a: GlyphFeatures, b: GlyphFeatures): number {
  let d = 0;
  for (let i = 0; i < a.grid.length; i++) d += Math.abs(a.grid[i]! - b.grid[i]!);
  const place = (x: number, y: number) => Math.max(0, Math.abs(x - y) - PLACEMENT_SLACK);
  return d / a.grid.length + 0.8 * (place(a.top, b.top) + place(a.bottom, b.bottom)) + 0.8 * Math.abs(a.width - b.width);
}
