/**
 * ICAO 9303 MRZ layouts as data: per line, which character class each position takes and which
 * ranges are fields or check digits. Everything else (parsing, correction) works from these tables.
 */
import type { MrzFormat } from './types.js';

/** A: letters/filler, N: digits, X: letters/digits/filler, C: check digit, S: sex. */
export type CharClass = 'A' | 'N' | 'X' | 'C' | 'S';

export interface Span { line: number; start: number; end: number } // end exclusive

export interface CheckSpec {
  name: 'documentNumber' | 'birthDate' | 'expiryDate' | 'personalNumber' | 'composite';
  data: Span[];
  digit: Span;
}

export interface FormatSpec {
  format: MrzFormat;
  lineLength: number;
  classes: string[]; // one class string per line, one letter per position
  checks: CheckSpec[];
  /** The one letter a document code of this layout starts with (P: passport, V: visa), if fixed. */
  codeLetter?: 'P' | 'V';
  /** Issuing state and nationality: three-letter codes from a known list. */
  countryCodes: Span[];
}

const s = (line: number, start: number, end: number): Span => ({ line, start, end });

// Second line shared by TD3 / MRV-A (44) and TD2 / MRV-B (36) up to position 27.
const line2Head = 'XXXXXXXXXCAAANNNNNNCSNNNNNNC';
const commonChecks = (line: number): CheckSpec[] => [
  { name: 'documentNumber', data: [s(line, 0, 9)], digit: s(line, 9, 10) },
  { name: 'birthDate', data: [s(line, 13, 19)], digit: s(line, 19, 20) },
  { name: 'expiryDate', data: [s(line, 21, 27)], digit: s(line, 27, 28) },
];
const nameLine = (len: number) => 'AA' + 'AAA' + 'A'.repeat(len - 5);
const countryCodes = [s(0, 2, 5), s(1, 10, 13)];

export const FORMATS: Record<MrzFormat, FormatSpec> = {
  TD1: {
    format: 'TD1',
    lineLength: 30,
    classes: ['AAAAAXXXXXXXXXCXXXXXXXXXXXXXXX', 'NNNNNNCSNNNNNNCAAAXXXXXXXXXXXC', 'A'.repeat(30)],
    checks: [
      { name: 'documentNumber', data: [s(0, 5, 14)], digit: s(0, 14, 15) },
      { name: 'birthDate', data: [s(1, 0, 6)], digit: s(1, 6, 7) },
      { name: 'expiryDate', data: [s(1, 8, 14)], digit: s(1, 14, 15) },
      { name: 'composite', data: [s(0, 5, 30), s(1, 0, 7), s(1, 8, 15), s(1, 18, 29)], digit: s(1, 29, 30) },
    ],
    countryCodes: [s(0, 2, 5), s(1, 15, 18)],
  },
  TD2: {
    format: 'TD2',
    lineLength: 36,
    classes: [nameLine(36), line2Head + 'XXXXXXXC'],
    checks: [
      ...commonChecks(1),
      { name: 'composite', data: [s(1, 0, 10), s(1, 13, 20), s(1, 21, 35)], digit: s(1, 35, 36) },
    ],
    countryCodes,
  },
  TD3: {
    format: 'TD3',
    lineLength: 44,
    classes: [nameLine(44), line2Head + 'XXXXXXXXXXXXXXCC'],
    codeLetter: 'P',
    countryCodes,
    checks: [
      ...commonChecks(1),
      { name: 'personalNumber', data: [s(1, 28, 42)], digit: s(1, 42, 43) },
      { name: 'composite', data: [s(1, 0, 10), s(1, 13, 20), s(1, 21, 43)], digit: s(1, 43, 44) },
    ],
  },
  MRVA: { format: 'MRVA', lineLength: 44, classes: [nameLine(44), line2Head + 'X'.repeat(16)], checks: commonChecks(1), codeLetter: 'V', countryCodes },
  MRVB: { format: 'MRVB', lineLength: 36, classes: [nameLine(36), line2Head + 'X'.repeat(8)], checks: commonChecks(1), codeLetter: 'V', countryCodes },
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

export function spanText(lines: string[], sp: Span): string {
  return (lines[sp.line] ?? '').slice(sp.start, sp.end);
}
