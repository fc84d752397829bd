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

/** Max (dilate) or min (erode) over a square window: rows, then columns through a transpose. */
const squareFilter = (d: Uint8Array, w: number, h: number, max: boolean) => transpose(windowPass(transpose(windowPass(d, w, h, max), w, h), h, w, max), h, w);

/** Max (or min) over a window of ±STROKE_WINDOW along each row. */
function windowPass(d: Uint8Array, w: number, h: number, max: boolean): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const from = row + (x > STROKE_WINDOW ? x - STROKE_WINDOW : 0);
      const to = row + (x + STROKE_WINDOW < w ? x + STROKE_WINDOW : w - 1);
      let v = d[from]!;
      if (max) for (let k = from + 1; k <= to; k++) { if (d[k]! > v) v = d[k]!; }
      else for (let k = from + 1; k <= to; k++) { if (d[k]! < v) v = d[k]!; }
      out[row + x] = v;
    }
  }
  return out;
}

function transpose(d: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = d[y * w + x]!;
  return out;
}

