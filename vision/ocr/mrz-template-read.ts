/**
 * A second, tesseract-independent MRZ reader: MRZ lines are monospaced OCR-B with ink in every
 * cell, so each text line is cut into its known number of cells between its first and last glyph
 * and every cell is matched against OCR-B glyph templates. Tesseract's general English model
 * misreads the wide-spaced OCR-B (doubled digits, a final digit lost after a '<' run); the
 * templates do not, and each read cross-checks the other in the vote.
 */
import type { GreyImage } from './image-prep.js';
import { glyphDistance, glyphFeatures, inkBox, type GlyphFeatures, type InkBox } from './glyph-features.js';
import { TEMPLATE_ROWS } from './glyph-templates.js';
import { GRID_H, GRID_W } from './glyph-features.js';

export interface TemplateRead { lines: string[]; letterConfidence: number[]; margins: number[][]; ranked: Array<Array<Array<[string, number]>>> }

interface Template { char: string; f: GlyphFeatures }
const TEMPLATES: Template[] = TEMPLATE_ROWS.map(([char, top, bottom, width, hex]) => ({
  char, f: { top, bottom, width, grid: Float32Array.from(hex, (h) => parseInt(h, 16) / 15) },
}));
if (TEMPLATES.some((t) => t.f.grid.length !== GRID_W * GRID_H)) throw new Error('glyph-templates.ts is stale: run glyph-templates.gen.ts');

interface Band { y0: number; y1: number }

/** Text line bands from the row ink profile; thin or narrow bands (noise, stray marks) are dropped. */
export function lineBands(ink: GreyImage): Band[] {
  const rows = new Array<number>(ink.height).fill(0);
  for (let y = 0; y < ink.height; y++) for (let x = 0; x < ink.width; x++) if (ink.data[y * ink.width + x]! < 128) rows[y]!++;
  const min = Math.max(2, ink.width * 0.004);
  const bands: Band[] = [];
  for (let y = 0; y < ink.height; y++) {
    if (rows[y]! < min) continue;
    const last = bands[bands.length - 1];
    if (last && y - last.y1 <= 2) last.y1 = y; else bands.push({ y0: y, y1: y });
  }
  const tallest = Math.max(0, ...bands.map((b) => b.y1 - b.y0));
  return bands.filter((b) => b.y1 - b.y0 >= tallest * 0.45);
}

interface Run { x0: number; x1: number; box: InkBox }

/** Runs of columns with ink inside the band: glyphs, or several when they touch. */
function columnRuns(ink: GreyImage, band: Band): Run[] {
  const runs: Run[] = [];
  let start = -1;
  for (let x = 0; x <= ink.width; x++) {
    let any = false;
    if (x < ink.width) for (let y = band.y0; y <= band.y1 && !any; y++) any = ink.data[y * ink.width + x]! < 128;
    if (any && start < 0) start = x;
    if (!any && start >= 0) {
      const box = inkBox(ink, start, x - 1, band.y0, band.y1)!;
      // Specks (dust, JPEG noise, guilloche remains) are far shorter than any MRZ glyph.
      if (box.y1 - box.y0 + 1 >= (band.y1 - band.y0 + 1) * 0.3) runs.push({ x0: start, x1: x - 1, box });
      start = -1;
    }
  }
  return runs;
}

/** Characters each position class allows (mrz-formats.ts): the template match picks among those only. */
const CLASS_CHARS: Record<string, RegExp> = { A: /[A-Z<]/, N: /[0-9]/, C: /[0-9<]/, S: /[MFX<]/, X: /./ };

interface LineRead { text: string; margins: number[]; ranked: Array<Array<[string, number]>> }

function readLine(ink: GreyImage, band: Band, length: number, classes?: string): LineRead | null {
  const runs = columnRuns(ink, band);
  if (runs.length < length * 0.6 || runs.length > length * 1.5) return null;
  const centre = (r: Run) => (r.x0 + r.x1) / 2;
  const first = centre(runs[0]!), last = centre(runs[runs.length - 1]!);
  const pitch = (last - first) / (length - 1);
  const h = band.y1 - band.y0 + 1;
  if (pitch < h * 0.4 || pitch > h * 2) return null;
  const boxes: InkBox[] = [];
  for (let i = 0; i < length; i++) {
    const e = first + i * pitch;
    const lo = Math.round(e - pitch / 2), hi = Math.round(e + pitch / 2) - 1;
    const mine = runs.filter((r) => centre(r) >= lo && centre(r) <= hi);
    // Touching glyphs share a run: cut it at the cell edges.
    const x0 = mine.length ? Math.max(Math.min(...mine.map((r) => r.x0)), mine.some((r) => r.x1 - r.x0 > pitch * 1.3) ? lo : -Infinity) : lo;
    const x1 = mine.length ? Math.min(Math.max(...mine.map((r) => r.x1)), mine.some((r) => r.x1 - r.x0 > pitch * 1.3) ? hi : Infinity) : hi;
    const box = inkBox(ink, x0, x1, band.y0, band.y1);
    if (!box) return null; // every MRZ cell has ink; an empty one means the grid is off
    boxes.push(box);
  }
  const tops = boxes.map((b) => b.y0).sort((a, b) => a - b);
  const bottoms = boxes.map((b) => b.y1 + 1).sort((a, b) => a - b);
  const capTop = tops[Math.floor(length * 0.1)]!, capBottom = bottoms[Math.ceil(length * 0.9) - 1]!;
  let text = '';
  const margins: number[] = [];
  const ranked: LineRead['ranked'] = [];
  for (const [i, box] of boxes.entries()) {
    const m = classify(glyphFeatures(ink, box, capTop, capBottom), CLASS_CHARS[classes?.[i] ?? 'X']);
    text += m.char;
    margins.push(m.margin);
    ranked.push(m.ranked);
  }
  return { text, margins, ranked };
}

/** Nearest template's character, and how much nearer it is than the nearest other character. */
export function classify(f: GlyphFeatures, allowed?: RegExp): { char: string; margin: number; ranked: Array<[string, number]> } {
  const best = new Map<string, number>();
  for (const t of TEMPLATES) {
    if (allowed && !allowed.test(t.char)) continue;
    const d = glyphDistance(f, t.f);
    if (d < (best.get(t.char) ?? Infinity)) best.set(t.char, d);
  }
  const ranked = [...best.entries()].sort((x, y) => x[1] - y[1]);
  const [a, b] = ranked;
  return { char: a![0], margin: b ? b[1] - a![1] : 1, ranked: ranked.slice(0, 8) };
}

/** Margin (distance units) at which a glyph counts as surely read; letter confidence is scaled to it. */
export const SURE_MARGIN = 0.08;

/** classes: per line, the position classes of the format (see FORMATS), or none for a free read. */
export function templateRead(ink: GreyImage, lineCount: number, length: number, classes?: string[]): TemplateRead | null {
  const bands = lineBands(ink);
  // The MRZ is the lowest run of lineCount bands that all read as lines of that length.
  for (let k = bands.length - lineCount; k >= 0; k--) {
    const read = readBands(ink, bands.slice(k, k + lineCount), length, classes);
    if (read) return read;
  }
  return null;
}

function readBands(ink: GreyImage, bands: Band[], length: number, classes?: string[]): TemplateRead | null {
  const out: TemplateRead = { lines: [], letterConfidence: [], margins: [], ranked: [] };
  for (const band of bands) {
    const line = readLine(ink, band, length, classes?.[out.lines.length]);
    if (!line) return null;
    out.lines.push(line.text);
    out.margins.push(line.margins);
    out.ranked.push(line.ranked);
    const letters = line.margins.filter((_, i) => line.text[i] !== '<');
    out.letterConfidence.push(Math.min(100, ...letters.map((m) => (100 * m) / SURE_MARGIN)));
  }
  return out;
}
