/**
 * MRZ layouts as data: per line, which characters each position may hold. The recognizer's
 * decoding keeps every position to its class (ctc-decode.ts); parsing and check digits are the
 * `mrz` package's (mrz-parse.ts).
 */
import type { MrzFormat } from './types.js';

/** A: letters/filler, N: digits, X: letters/digits/filler, C: check digit, S: sex. */
export type CharClass = 'A' | 'N' | 'X' | 'C' | 'S';

export interface FormatSpec {
  format: MrzFormat;
  lineLength: number;
  classes: string[]; // one class string per line, one letter per position
}

// Second line shared by TD3 / MRV-A (44) and TD2 / MRV-B (36) up to position 27.
const line2Head = 'XXXXXXXXXCAAANNNNNNCSNNNNNNC';
const nameLine = (len: number) => 'A'.repeat(len);
// An identity card's document code: A, C or I, then a second character at the issuer's choice
// (never V). Cards print digits there too (C1), which the `mrz` package accepts: a letter-only
// class would read such a card's 1 as I.
const idCode = 'AX';

export const FORMATS: Record<MrzFormat, FormatSpec> = {
  TD1: { format: 'TD1', lineLength: 30, classes: [idCode + 'AAAXXXXXXXXXCXXXXXXXXXXXXXXX', 'NNNNNNCSNNNNNNCAAAXXXXXXXXXXXC', 'A'.repeat(30)] },
  TD2: { format: 'TD2', lineLength: 36, classes: [idCode + nameLine(34), line2Head + 'XXXXXXXC'] },
  TD3: { format: 'TD3', lineLength: 44, classes: [nameLine(44), line2Head + 'XXXXXXXXXXXXXXCC'] },
  MRVA: { format: 'MRVA', lineLength: 44, classes: [nameLine(44), line2Head + 'X'.repeat(16)] },
  MRVB: { format: 'MRVB', lineLength: 36, classes: [nameLine(36), line2Head + 'X'.repeat(8)] },
  // The French national ID card (pre-2021, 2 × 36): surname and office code, then issue date,
  // office, number and check, given names, birth date and check, sex, composite check.
  FRENCH_ID: { format: 'FRENCH_ID', lineLength: 36, classes: ['A'.repeat(30) + 'XXXXXX', 'XXXXXXXXXXXXC' + 'A'.repeat(14) + 'NNNNNNCSC'] },
};

/** Candidate formats for a block of lines, from line count and length (visas by their 'V' code). */
export function formatsFor(lineCount: number, lineLength: number, firstChar: string): MrzFormat[] {
  if (lineCount === 3 && lineLength === 30) return ['TD1'];
  if (lineCount !== 2) return [];
  const visa = firstChar === 'V';
  if (lineLength === 44) return visa ? ['MRVA', 'TD3'] : ['TD3', 'MRVA'];
  if (lineLength === 36) return visa ? ['MRVB', 'TD2'] : ['TD2', 'MRVB'];
  return [];
}
