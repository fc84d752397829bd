/**
 * MRZ text is monospaced: every character owns a cell of equal width. Placing tesseract's symbols
 * into cells by their x-centre fixes the length errors of plain text reads (a '<' read as "K<",
 * a '<' run read with too few or too many characters). An empty cell is a '<' the OCR skipped.
 */
import type { OcrLine, OcrSymbol } from './tesseract-pool.js';

const FILLER_LOOKALIKE = /[KLCE]/;

/** Tells whether the glyph inside a box is a '<' chevron (null when it cannot tell). */
export type ChevronTest = (x0: number, x1: number, y0: number, y1: number) => boolean | null;

export function gridLines(lines: OcrLine[], length: number, isChevron?: ChevronTest): string[] | null {
  const symbols = lines.map((l) => l.symbols.filter((s) => s.text.trim() !== ''));
  const all = symbols.flat();
  if (all.length < length * lines.length * 0.5) return null;
  // The MRZ lines share left and right margins; the longest lines set the grid.
  const x0 = Math.min(...all.map((s) => s.bbox.x0));
  const x1 = Math.max(...all.map((s) => s.bbox.x1));
  const cell = (x1 - x0) / length;
  return symbols.map((syms, li) => {
    const line = gridLine(syms, x0, cell, length);
    if (!isChevron) return line;
    const { y0, y1 } = lines[li]!.bbox;
    // eng reads the OCR-B '<' as K, L, C or E; the glyph's shape settles it.
    return [...line].map((c, i) => (FILLER_LOOKALIKE.test(c) && isChevron(x0 + i * cell, x0 + (i + 1) * cell, y0, y1) ? '<' : c)).join('');
  });
}

function gridLine(symbols: OcrSymbol[], x0: number, cell: number, length: number): string {
  const cells: OcrSymbol[][] = Array.from({ length }, () => []);
  for (const s of symbols) {
    const cx = (s.bbox.x0 + s.bbox.x1) / 2;
    const i = Math.min(length - 1, Math.max(0, Math.floor((cx - x0) / cell)));
    cells[i]!.push(s);
  }
  return cells.map((c, i) => pick(c, x0 + (i + 0.5) * cell)).join('');
}

function pick(candidates: OcrSymbol[], centre: number): string {
  if (candidates.length === 0) return '<';
  const chars = candidates.map((c) => c.text.toUpperCase());
  // "K<" / "<L" squeezed into one cell is a single '<' drawn as two glyph hypotheses.
  if (chars.includes('<') && chars.every((c) => c === '<' || FILLER_LOOKALIKE.test(c))) return '<';
  const best = candidates.reduce((a, b) => (dist(b, centre) < dist(a, centre) ? b : a));
  return best.text.toUpperCase();
}

const dist = (s: OcrSymbol, centre: number) => Math.abs((s.bbox.x0 + s.bbox.x1) / 2 - centre);
