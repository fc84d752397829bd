/**
 * The ink mask shared by skew estimation and the quick MRZ finder: pixels of thin dark strokes at
 * a working width, found by a black-hat (closing minus image).
 */
import { raw, type GreyImage } from './image-prep.js';

/**
 * Thin dark strokes (a black-hat: closing minus image), so glyphs count and the straight edges
 * of large dark areas (photo, background, a phone's frame) do not. 1 marks ink.
 */
export async function inkMask(img: GreyImage, maxWidth: number, delta: number, smooth = 0): Promise<{ mask: Uint8Array; width: number; height: number; scale: number }> {
  const scale = Math.min(1, maxWidth / img.width);
  // sharp blurs after resizing: `smooth` is a sigma at the mask's width.
  const page = raw(img).resize({ width: Math.round(img.width * scale) });
  const small = await (smooth > 0 ? page.blur(smooth) : page).normalise().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const { width, height } = small.info;
  const closed = squareFilter(squareFilter(small.data, width, height, true), width, height, false);
  const mask = new Uint8Array(small.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = closed[i]! - small.data[i]! > delta ? 1 : 0;
  return { mask, width, height, scale: width / img.width };
}

const STROKE_WINDOW = 4; // half-width in px: wider than a glyph stroke at the mask widths used

/** Max (dilate) or min (erode) over a square window, rows then columns; a min is a max of the inverse. */
export function squareFilter(d: Uint8Array, w: number, h: number, max: boolean): Uint8Array {
  return max ? columnMax(rowMax(d, w, h), w, h) : invert(columnMax(rowMax(invert(d), w, h), w, h));
}

/*
 * Both passes by van Herk / Gil-Werman: within blocks of the window's length, running maxima
 * from each block's start (fwd) and from its end (back); any window spans two blocks, so its
 * maximum is back at its first pixel against fwd at its last: 3 comparisons a pixel whatever the
 * window (a plain window took 9). The edges are padded with 0, which is the same as cutting the
 * window there.
 */

/** Max over ±STROKE_WINDOW along each row. */
function rowMax(d: Uint8Array, w: number, h: number): Uint8Array {
  const r = STROKE_WINDOW, k = 2 * r + 1, n = w + 2 * r;
  const out = new Uint8Array(d.length);
  const padded = new Uint8Array(n), fwd = new Uint8Array(n), back = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    padded.set(d.subarray(y * w, (y + 1) * w), r);
    for (let start = 0; start < n; start += k) {
      const end = Math.min(start + k, n) - 1;
      fwd[start] = padded[start]!;
      for (let i = start + 1; i <= end; i++) { const v = padded[i]!, p = fwd[i - 1]!; fwd[i] = v > p ? v : p; }
      back[end] = padded[end]!;
      for (let i = end - 1; i >= start; i--) { const v = padded[i]!, p = back[i + 1]!; back[i] = v > p ? v : p; }
    }
    for (let x = 0; x < w; x++) { const a = back[x]!, b = fwd[x + 2 * r]!; out[y * w + x] = a > b ? a : b; }
  }
  return out;
}

/** Max over ±STROKE_WINDOW along each column, whole rows at a time (memory order). */
function columnMax(d: Uint8Array, w: number, h: number): Uint8Array {
  const r = STROKE_WINDOW, k = 2 * r + 1, n = h + 2 * r;
  const padded = new Uint8Array(n * w), fwd = new Uint8Array(n * w), back = new Uint8Array(n * w);
  padded.set(d, r * w);
  const maxRow = (to: Uint8Array, a: number, b: number) => { // row a of `to` = max(row b of `to`, padded row a)
    for (let x = 0; x < w; x++) { const v = padded[a * w + x]!, p = to[b * w + x]!; to[a * w + x] = v > p ? v : p; }
  };
  for (let start = 0; start < n; start += k) {
    const end = Math.min(start + k, n) - 1;
    fwd.set(padded.subarray(start * w, (start + 1) * w), start * w);
    for (let i = start + 1; i <= end; i++) maxRow(fwd, i, i - 1);
    back.set(padded.subarray(end * w, (end + 1) * w), end * w);
    for (let i = end - 1; i >= start; i--) maxRow(back, i, i + 1);
  }
  const out = new Uint8Array(d.length);
  for (let i = 0; i < out.length; i++) { const a = back[i]!, b = fwd[i + 2 * r * w]!; out[i] = a > b ? a : b; }
  return out;
}

function invert(d: Uint8Array): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = 255 - d[i]!;
  return out;
}
