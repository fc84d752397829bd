/**
 * A quick MRZ finder without OCR: on a levelled page the MRZ is two or three long, evenly filled
 * text lines of equal height, one under the other, at the bottom of the document. Found from the
 * ink mask's row and column profiles in a few tens of milliseconds; when it finds nothing, or its
 * region does not read valid, the OCR-based locator still runs.
 */
import type { GreyImage, Rect } from './image-prep.js';
import { clampRect } from './image-prep.js';
import { inkMask } from './ink-mask.js';

const BAND_WIDTH = 900; // px of the mask: MRZ glyphs of a booklet photo stay ≥ 6 px high
const BAND_INK_DELTA = 60; // MRZ print is black: a strict ink threshold drops guilloche and tinted print
const MIN_ROW_INK = 0.02; // share of a row's pixels that are ink for the row to hold text
const MIN_LINE_ROWS = 4; // thinner bands are rules and specks, not text
const MIN_LINE_ASPECT = 14; // an MRZ line is ≥ 30 glyphs of about 0.6 × their height
const MIN_FILL = 0.55; // share of columns across the line that carry ink (monospace, no spaces)
const MAX_GAP = 1.2; // largest gap inside a line, in line heights
const BRIDGED_GAP = 4; // the same where glare, a reflection or a finger wipes out a few glyphs
const GAP_SHARE = 0.3; // inside a tall band, a row with less ink than this share of the band's busy rows separates lines

interface Band { top: number; bottom: number; left: number; right: number }

/** The MRZ's rectangle, its glyph height, and each line's box (top to bottom), in image pixels. */
export interface MrzBands { rect: Rect; lineHeight: number; lines: number; boxes: Rect[] }

export async function findMrzBands(img: GreyImage): Promise<MrzBands | null> {
  return (await findMrzCandidates(img, 1))[0] ?? null;
}

/**
 * Up to `max` groups of MRZ-like lines, lowest first. The lowest is usually the MRZ, but a page
 * edge, a ruled line pair or a photo credit under the document can look alike: the reader tries
 * the next group when one does not read as an MRZ. Then up to `max` more that only the second
 * splitter finds (lines that dense guilloché runs between; see splitBand): tried later, because
 * that splitter also cuts some single lines in two. Last, up to `max` more whose lines bridge
 * gaps of a few glyphs (glare or a finger across the lines leaves two short runs of ink, neither
 * long enough for an MRZ line); last because a wide gap also joins a line to print beside it.
 */
export async function findMrzCandidates(img: GreyImage, max = 3, smooth = 0): Promise<MrzBands[]> {
  const { mask, width, height, scale } = await inkMask(img, BAND_WIDTH, BAND_INK_DELTA, smooth);
  const rows = rowInk(mask, width, height);
  // Runs of rows with enough ink: candidate text lines, split further below.
  const text = rowRuns(rows, MIN_ROW_INK * width).map((r) => ({ ...r, left: 0, right: width }));
  const out: MrzBands[] = [];
  const plain = text.flatMap((b) => splitBand(rows, b, false));
  const dense = text.flatMap((b) => splitBand(rows, b, true));
  for (const [bands, gap] of [[plain, MAX_GAP], [dense, MAX_GAP], [dense, BRIDGED_GAP]] as const) {
    const lines = bands.map((b) => lineExtent(mask, width, b, gap)).filter((b): b is Band => b !== null);
    const groups = lowestGroups(lines, max).map((g) => toImage(g, scale, img));
    out.push(...groups.filter((g) => !out.some((o) => sameRect(o.rect, g.rect))));
  }
  return out;
}

/** Up to `max` groups of MRZ-like lines, from the lowest up, each wholly above the one before. */
function lowestGroups(bands: Band[], max: number): Band[][] {
  const out: Band[][] = [];
  let end = bands.length;
  while (out.length < max) {
    const found = lastGroup(bands.slice(0, end));
    if (!found) break;
    out.push(found.group);
    end = found.start;
  }
  return out;
}

const sameRect = (a: Rect, b: Rect) => a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;

function toImage(group: Band[], scale: number, img: GreyImage): MrzBands {
  const h = group.reduce((s, b) => s + b.bottom - b.top, 0) / group.length;
  const x0 = Math.min(...group.map((b) => b.left)), x1 = Math.max(...group.map((b) => b.right));
  const y0 = group[0]!.top, y1 = group.at(-1)!.bottom;
  const rect = { left: (x0 - h) / scale, top: (y0 - 0.6 * h) / scale, width: (x1 - x0 + 2 * h) / scale, height: (y1 - y0 + 1.2 * h) / scale };
  const boxes = group.map((b) => clampRect({ left: b.left / scale, top: b.top / scale, width: (b.right - b.left) / scale, height: (b.bottom - b.top) / scale }, img));
  return { rect: clampRect(rect, img), lineHeight: h / scale, lines: group.length, boxes };
}

/** Ink pixels in each row of the mask. */
function rowInk(mask: Uint8Array, width: number, height: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    let ink = 0;
    for (let x = 0; x < width; x++) ink += mask[y * width + x]!;
    rows.push(ink);
  }
  return rows;
}

/**
 * Speckle from security print or a noisy scan can bridge the gap between two text lines, so the
 * fixed threshold sees one tall band: split it where a row holds far less ink than its busy rows.
 * Dense guilloché behind the lines fills the gaps too, only less than the text: with `otsu`,
 * failing that, split at the row-ink level that best separates the band's rows into two classes
 * (Otsu's threshold).
 */
function splitBand(pageRows: number[], band: Band, otsu: boolean): Band[] {
  const rows = pageRows.slice(band.top, band.bottom);
  const busy = [...rows].sort((a, b) => a - b)[Math.floor(rows.length * 0.8)]!;
  for (const level of otsu ? [GAP_SHARE * busy, otsuLevel(rows)] : [GAP_SHARE * busy]) {
    const lines = rowRuns(rows, level).map((r) => ({ ...band, top: band.top + r.top, bottom: band.top + r.bottom }));
    if (lines.length >= 2) return lines;
  }
  return [band]; // one line: keep its full height
}

/** Runs of at least MIN_LINE_ROWS rows with at least `level` ink. */
function rowRuns(rows: number[], level: number): Array<{ top: number; bottom: number }> {
  const out: Array<{ top: number; bottom: number }> = [];
  let top = -1;
  for (let i = 0; i <= rows.length; i++) {
    const texty = i < rows.length && rows[i]! >= level;
    if (texty && top < 0) top = i;
    if (!texty && top >= 0) { if (i - top >= MIN_LINE_ROWS) out.push({ top, bottom: i }); top = -1; }
  }
  return out;
}

/** The level that splits the values into two classes of greatest between-class variance. */
function otsuLevel(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  let best = { level: Infinity, variance: -1 };
  let below = 0;
  for (let i = 1; i < sorted.length; i++) {
    below += sorted[i - 1]!;
    if (sorted[i] === sorted[i - 1]) continue;
    const w0 = i / sorted.length, w1 = 1 - w0;
    const m0 = below / i, m1 = (total - below) / (sorted.length - i);
    const variance = w0 * w1 * (m0 - m1) ** 2;
    if (variance > best.variance) best = { level: sorted[i]!, variance };
  }
  return best.level;
}

/**
 * The band's longest evenly filled run of columns (gaps up to `gap` line heights inside it), if
 * it is long enough for an MRZ line.
 */
function lineExtent(mask: Uint8Array, width: number, band: Band, gap: number): Band | null {
  const h = band.bottom - band.top;
  const maxGap = Math.max(2, Math.round(gap * h));
  const runs: Array<{ left: number; right: number; inkCols: number }> = [];
  for (let x = 0; x < width; x++) {
    if (!columnHasInk(mask, width, band, x)) continue;
    const run = runs.at(-1);
    if (run && x - run.right < maxGap) { run.right = x + 1; run.inkCols++; } else runs.push({ left: x, right: x + 1, inkCols: 1 });
  }
  const lines = runs.filter((r) => r.right - r.left >= MIN_LINE_ASPECT * h && r.inkCols >= MIN_FILL * (r.right - r.left));
  if (!lines.length) return null;
  const longest = lines.reduce((a, b) => (b.right - b.left > a.right - a.left ? b : a));
  return { ...band, left: longest.left, right: longest.right };
}

function columnHasInk(mask: Uint8Array, width: number, band: Band, x: number): boolean {
  for (let y = band.top; y < band.bottom; y++) if (mask[y * width + x]) return true;
  return false;
}

/** The lowest run of two or three MRZ-like lines of similar height, extent and spacing, and where it starts. */
function lastGroup(bands: Band[]): { group: Band[]; start: number } | null {
  for (let end = bands.length; end >= 2; end--) {
    for (const n of [3, 2]) {
      const start = Math.max(0, end - n);
      const group = bands.slice(start, end);
      if (group.length === n && alike(group)) return { group, start };
    }
  }
  return null;
}

function alike(group: Band[]): boolean {
  const hs = group.map((b) => b.bottom - b.top);
  const h = Math.max(...hs);
  if (Math.min(...hs) < h / 1.6) return false;
  return group.every((b, i) => {
    const prev = group[i - 1];
    if (!prev) return true;
    const gap = b.top - prev.bottom;
    return gap <= 1.5 * h && Math.abs(b.left - prev.left) <= 2 * h && Math.abs(b.right - prev.right) <= 2 * h;
  });
}
