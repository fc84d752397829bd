/**
 * MRZ text is monospaced: every character owns a cell of equal width. Placing tesseract's symbols
 * into cells by their x-centre fixes the length errors of plain text reads (a '<' read as "K<",
 * a '<' run read with too few or too many characters). An empty cell is a '<' the OCR skipped.
 */
import type { OcrLine, OcrSymbol } from './tesseract-pool.js';

const FILLER_LOOKALIKE = /[KLCE]/;

/** Tells whether the glyph inside a box is a '<' chevron (null when it cannot tell). */
export type ChevronTest = (x0: number, x1: number, y0: number, y1: number) => boolean | null;

export interface GridRead { lines: string[]; letterConfidence: number[] } // per line: lowest letter/digit confidence

export function gridLines(lines: OcrLine[], length: number, isChevron?: ChevronTest, isRound?: ChevronTest): GridRead | null {
  const symbols = lines.map((l) => l.symbols.filter((s) => s.text.trim() !== ''));
  const all = symbols.flat();
  if (all.length < length * lines.length * 0.5) return null;
  // The MRZ lines share left and right margins; the longest lines set the grid.
  const x0 = Math.min(...all.map((s) => s.bbox.x0));
  const x1 = Math.max(...all.map((s) => s.bbox.x1));
  const cell = (x1 - x0) / length;
  const out: GridRead = { lines: [], letterConfidence: [] };
  symbols.forEach((syms, li) => {
    const cells = gridCells(syms, x0, cell, length);
    const { y0, y1 } = lines[li]!.bbox;
    const box = (i: number) => [x0 + i * cell, x0 + (i + 1) * cell, y0, y1] as const;
    const chars = cells.map((c, i) => {
      // Any letter may be a misread '<' (K, L, C, E mostly, also S); only a chevron has its shape.
      if (isChevron && /[A-Z]/.test(c.char) && isChevron(...box(i))) return '<';
      if (isRound && c.char === 'D' && isRound(...box(i))) return 'O';
      return c.char;
    });
    out.lines.push(chars.join(''));
    out.letterConfidence.push(Math.min(100, ...cells.filter((c, i) => chars[i] !== '<').map((c) => c.confidence)));
  });
  return out;
}

function gridCells(symbols: OcrSymbol[], x0: number, cell: number, length: number): Array<{ char: string; confidence: number }> {
  const cells: OcrSymbol[][] = Array.from({ length }, () => []);
  for (const s of symbols) {
    const cx = (s.bbox.x0 + s.bbox.x1) / 2;
    const i = Math.min(length - 1, Math.max(0, Math.floor((cx - x0) / cell)));
    cells[i]!.push(s);
  }
  return cells.map((c, i) => pick(c, x0 + (i + 0.5) * cell));
}

function pick(candidates: OcrSymbol[], centre: number): { char: string; confidence: number } {
  if (candidates.length === 0) return { char: '<', confidence: 100 };
  const chars = candidates.map((c) => c.text.toUpperCase());
  // "K<" / "<L" squeezed into one cell is a single '<' drawn as two glyph hypotheses.
  if (chars.includes('<') && chars.every((c) => c === '<' || FILLER_LOOKALIKE.test(c))) return { char: '<', confidence: 100 };
  const best = candidates.reduce((a, b) => (dist(b, centre) < dist(a, centre) ? b : a));
  return { char: best.text.toUpperCase(), confidence: best.confidence };
}

const dist = (s: OcrSymbol, centre: number) => Math.abs((s.bbox.x0 + s.bbox.x1) / 2 - centre);
