/**
 * Shape test for the MRZ filler '<' on binarised pixels. A chevron's leftmost ink sits far right
 * in its top and bottom rows and at the far left in its middle rows; K, L and E have a vertical
 * stem on the left, C is round (its top rows start near the left).
 */
import type { GreyImage } from './image-prep.js';
import type { ChevronTest } from './mrz-grid.js';

/** Left-edge profile of the glyph in a cell: leftmost ink at top, middle and bottom, as a fraction of its width. */
function leftProfile(ink: GreyImage, offset: number, x0: number, x1: number, y0: number, y1: number) {
  const box = inkBox(ink, Math.round(x0 - offset), Math.round(x1 - offset), Math.round(y0 - offset), Math.round(y1 - offset));
  if (!box) return null;
  const w = box.x1 - box.x0 + 1, h = box.y1 - box.y0 + 1;
  if (w < 4 || h < 6 || h < (y1 - y0) * 0.3) return null;
  const left = (fy: number) => leftmost(ink, box, Math.round(box.y0 + fy * (h - 1))) / w;
  return { top: (left(0.1) + left(0.2)) / 2, mid: Math.min(left(0.45), left(0.5), left(0.55)), bottom: (left(0.8) + left(0.9)) / 2 };
}

export function chevronTest(ink: GreyImage, offset: number): ChevronTest {
  return (x0, x1, y0, y1) => {
    const p = leftProfile(ink, offset, x0, x1, y0, y1);
    return p && p.top > 0.45 && p.bottom > 0.45 && p.mid < 0.2;
  };
}

/** eng reads the OCR-B 'O' as 'D'; a D has a straight stem on the left, an O curves away from it. */
export function roundLeftTest(ink: GreyImage, offset: number): ChevronTest {
  return (x0, x1, y0, y1) => {
    const p = leftProfile(ink, offset, x0, x1, y0, y1);
    return p && p.top - p.mid > 0.12 && p.bottom - p.mid > 0.12;
  };
}

interface Box { x0: number; x1: number; y0: number; y1: number }

function inkBox(img: GreyImage, x0: number, x1: number, y0: number, y1: number): Box | null {
  let bx0 = Infinity, bx1 = -1, by0 = Infinity, by1 = -1;
  for (let y = Math.max(0, y0); y <= Math.min(img.height - 1, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      if (img.data[y * img.width + x]! < 128) {
        if (x < bx0) bx0 = x; if (x > bx1) bx1 = x; if (y < by0) by0 = y; if (y > by1) by1 = y;
      }
    }
  }
  return bx1 < 0 ? null : { x0: bx0, x1: bx1, y0: by0, y1: by1 };
}

function leftmost(img: GreyImage, box: Box, y: number): number {
  for (let x = box.x0; x <= box.x1; x++) if (img.data[y * img.width + x]! < 128) return x - box.x0;
  return box.x1 - box.x0 + 1;
}
