/** Finds the MRZ block (2–3 lines) in raw OCR text lines and guesses its format from the lengths. */
import { formatsFor } from './mrz-formats.js';
import type { MrzFormat } from './types.js';

export interface MrzBlock { lines: string[]; formats: MrzFormat[]; lineIdx: number[] }

export function cleanLine(raw: string): string {
  return raw.toUpperCase().replace(/[«‹]/g, '<').replace(/[^A-Z0-9<]/g, '');
}

/** Long, and either filler-rich or digit-rich: what MRZ lines look like and page text rarely does. */
export function isMrzLike(line: string): boolean {
  if (line.length < 20 || line.length > 80) return false; // fillers read as "K<" can double a run
  // Sparse-text OCR often reads a filler run as C, K, L: a long run of those counts as fillers.
  const fillers = (line.match(/</g) ?? []).length + (line.match(/[<CKLE]{6,}/g) ?? []).join('').length;
  const digits = (line.match(/[0-9]/g) ?? []).length;
  return fillers >= 2 || digits >= 10;
}

/** The last run of consecutive MRZ-like lines (the MRZ sits at the bottom of the page). */
export function findMrzBlock(rawLines: string[]): MrzBlock | null {
  const lines = rawLines.map(cleanLine);
  const runs: number[][] = [];
  let cur: number[] = [];
  lines.forEach((l, i) => {
    if (isMrzLike(l)) cur.push(i);
    else if (l.length > 0) { if (cur.length) runs.push(cur); cur = []; }
  });
  if (cur.length) runs.push(cur);
  for (const run of runs.reverse()) {
    const block = blockFromRun(run, lines);
    if (block) return block;
  }
  return null;
}

function blockFromRun(run: number[], lines: string[]): MrzBlock | null {
  const lens = run.map((i) => lines[i]!.length);
  // TD1: three lines of about 30 (OCR inserts characters in '<' runs, so allow up to ~50).
  for (let k = run.length - 3; k >= 0; k--) {
    const three = lens.slice(k, k + 3);
    const median = [...three].sort((a, b) => a - b)[1]!;
    if (three.every((l) => l >= 22 && l <= 50) && median <= 40) return make(run.slice(k, k + 3), lines, 30);
  }
  // Otherwise the last two lines. The shorter one picks 36 or 44: OCR mostly adds characters
  // (a '<' read as "K<"), rarely drops them.
  for (let k = run.length - 2; k >= 0; k--) {
    const pair = lens.slice(k, k + 2);
    const shorter = Math.min(pair[0]!, pair[1]!), longer = Math.max(pair[0]!, pair[1]!);
    if (Math.abs(pair[0]! - pair[1]!) > 30 || shorter < 26) continue;
    // A much shorter line lost a piece (a faint '<' run): the longer one tells the length then.
    const len = shorter >= 30 ? shorter : longer;
    return make(run.slice(k, k + 2), lines, len < 40 ? 36 : 44);
  }
  return null;
}

function make(idx: number[], lines: string[], len: number): MrzBlock | null {
  const picked = idx.map((i) => lines[i]!);
  const formats = formatsFor(picked.length, len, picked[0]?.[0] ?? '');
  return formats.length ? { lines: picked, formats, lineIdx: idx } : null;
}

/**
 * When no block is found: the last line that alone looks like a full MRZ line (its neighbours may
 * have been missed on a busy background). Its length suggests the formats; the crop passes decide.
 */
export function findMrzLine(rawLines: string[]): MrzBlock | null {
  const lines = rawLines.map(cleanLine);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (!isMrzLike(l) || l.length < 28 || l.length > 50) continue;
    const formats: MrzFormat[] = l.length <= 32 ? ['TD1'] : l.length <= 39 ? ['TD2', 'MRVB', 'TD1'] : ['TD3', 'MRVA'];
    return { lines: [l], formats, lineIdx: [i] };
  }
  return null;
}
