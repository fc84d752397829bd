import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { squareFilter } from '../../../vision/ocr/ink-mask.js';

const R = 4; // the filter's half-window (STROKE_WINDOW)

/** The plain definition: max (or min) over the window cut at the image's edges. */
function reference(d: Uint8Array, w: number, h: number, max: boolean): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = max ? 0 : 255;
      for (let yy = Math.max(0, y - R); yy <= Math.min(h - 1, y + R); yy++) {
        for (let xx = Math.max(0, x - R); xx <= Math.min(w - 1, x + R); xx++) v = max ? Math.max(v, d[yy * w + xx]!) : Math.min(v, d[yy * w + xx]!);
      }
      out[y * w + x] = v;
    }
  }
  return out;
}

/** A deterministic pseudo-random image (xorshift), so a failure can be replayed. */
function noise(w: number, h: number, seed: number): Uint8Array {
  const d = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < d.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    d[i] = (s >>> 0) % 256;
  }
  return d;
}

describe('ink mask: square max/min filter (van Herk / Gil-Werman)', () => {
  it('equals the plain window max and min, window cut at the edges, on every size incl. smaller than the window', () => {
    const sizes: Array<[number, number]> = [[1, 1], [1, 13], [13, 1], [3, 5], [9, 9], [10, 10], [17, 8], [31, 23], [64, 9]];
    for (const [w, h] of sizes) {
      for (const seed of [1, 7, 99]) {
        const img = noise(w, h, seed * 1000 + w * 31 + h);
        for (const max of [true, false]) {
          assert.deepEqual(squareFilter(img, w, h, max), reference(img, w, h, max), `${w}×${h}, seed ${seed}, ${max ? 'max' : 'min'}`);
        }
      }
    }
  });
});
