/**
 * MRZ ↔ visual zone cross-check, as professional document readers do it: the fields read from the
 * MRZ are looked for in the printed text of the page (after ICAO transliteration), field by field.
 * `match`: printed as the MRZ says. `mismatch`: printed differently (a name one letter apart, a
 * number one character apart). `unread`: not found either way.
 */
import type { OcrLine } from './tesseract-pool.js';
import { mrzSpellings } from './transliterate.js';
import type { ExtractedFields } from './types.js';

export type FieldCheck = 'match' | 'mismatch' | 'unread';
export const CROSS_CHECKED = ['surname', 'givenNames', 'idNumber', 'birthDate', 'expiryDate'] as const;
export type CrossCheckedField = (typeof CROSS_CHECKED)[number];
export type CrossCheck = Record<CrossCheckedField, FieldCheck>;

const MIN_LINE_CONFIDENCE = 75; // a printed word read less surely than this is no evidence of a mismatch
const MIN_NEAR_LENGTH = 5; // shorter words are too often another word one letter away (MAY / MAI)

export function unreadCrossCheck(): CrossCheck {
  return { surname: 'unread', givenNames: 'unread', idNumber: 'unread', birthDate: 'unread', expiryDate: 'unread' };
}

export function crossCheck(mrz: ExtractedFields, viz: OcrLine[], opts: { truncatedName?: boolean } = {}): CrossCheck {
  const words = vizWords(viz);
  return {
    surname: nameCheck(mrz.surname, words, opts.truncatedName ?? false),
    givenNames: nameCheck(mrz.givenNames, words, opts.truncatedName ?? false),
    idNumber: numberCheck(mrz.idNumber, viz),
    birthDate: dateCheck(mrz.birthDate, viz),
    expiryDate: dateCheck(mrz.expiryDate, viz),
  };
}

interface Word { text: string; sure: boolean }

function vizWords(viz: OcrLine[]): Word[] {
  return viz.flatMap((l) => l.text.split(/\s+/).flatMap((w) => mrzSpellings(w).flatMap((s) => s.split('<')))
    .filter((t) => /^[A-Z]{2,}$/.test(t)).map((text) => ({ text, sure: l.confidence >= MIN_LINE_CONFIDENCE })));
}

/** Every word of the MRZ name printed (a truncated MRZ name may be the start of a longer word). */
function nameCheck(name: string | null, words: Word[], truncated: boolean): FieldCheck {
  if (!name) return 'unread';
  const results = name.split(' ').map((token): FieldCheck => {
    if (words.some((w) => w.text === token || (truncated && w.text.startsWith(token)))) return 'match';
    const near = token.length >= MIN_NEAR_LENGTH && words.some((w) => w.sure && editDistance(w.text, token) === 1);
    return near ? 'mismatch' : 'unread';
  });
  if (results.includes('mismatch')) return 'mismatch';
  return results.every((r) => r === 'match') ? 'match' : 'unread';
}

/** OCR lookalikes folded, so a printed O for 0 is no mismatch. */
const fold = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/O|Q|D/g, '0').replace(/[IL]/g, '1').replace(/S/g, '5').replace(/B/g, '8').replace(/Z/g, '2').replace(/G/g, '6');

function numberCheck(idNumber: string | null, viz: OcrLine[]): FieldCheck {
  if (!idNumber || idNumber.length < 5) return 'unread';
  const want = fold(idNumber);
  if (viz.some((l) => fold(l.text).includes(want))) return 'match';
  // A mismatch is a printed word of the number's length one character off, not any stretch of text.
  const near = viz.some((l) => l.confidence >= MIN_LINE_CONFIDENCE && l.text.split(/\s+/).map(fold).some((w) => w.length === want.length && hamming(w, want) === 1));
  return near ? 'mismatch' : 'unread';
}

/**
 * A date is `match` when printed anywhere, else `unread`: which printed date is which cannot be
 * told reliably from labels (issue and expiry dates share day and month, labels sit above or
 * beside their values), and a wrong `mismatch` would send good documents to review.
 */
function dateCheck(iso: string | null, viz: OcrLine[]): FieldCheck {
  if (!iso) return 'unread';
  const want = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10); // YYMMDD
  return viz.some((l) => printedDates(l.text).includes(want)) ? 'match' : 'unread';
}

const MONTHS: Record<string, number> = {
  JAN: 1, JANV: 1, ENE: 1, GEN: 1, FEB: 2, FEV: 2, FEVR: 2, FEBR: 2, MAR: 3, MARS: 3, MRZ: 3, MAER: 3, APR: 4, AVR: 4, ABR: 4,
  MAY: 5, MAI: 5, MAG: 5, MAJ: 5, JUN: 6, JUIN: 6, GIU: 6, JUL: 7, JUIL: 7, LUG: 7, AUG: 8, AOUT: 8, AGO: 8, SEP: 9, SEPT: 9, SET: 9,
  OCT: 10, OKT: 10, OTT: 10, NOV: 11, DEC: 12, DEZ: 12, DIC: 12,
};

/** Every date printed in a line, as YYMMDD; day-first and (US) month-first numeric dates both. */
export function printedDates(text: string): string[] {
  const t = text.toUpperCase().normalize('NFD').replace(/\p{M}/gu, '');
  const out: string[] = [];
  const two = (n: number) => String(n).padStart(2, '0');
  const add = (y: string, m: number, d: number) => { if (m >= 1 && m <= 12 && d >= 1 && d <= 31) out.push(y.slice(-2) + two(m) + two(d)); };
  for (const m of t.matchAll(/(\d{4})[-./ ](\d{1,2})[-./ ](\d{1,2})/g)) add(m[1]!, +m[2]!, +m[3]!);
  for (const m of t.matchAll(/(?<!\d)(\d{1,2})[-./ ]{1,2}(\d{1,2})[-./ ]{1,2}(\d{2}|\d{4})(?!\d)/g)) { add(m[3]!, +m[2]!, +m[1]!); add(m[3]!, +m[1]!, +m[2]!); }
  for (const m of t.matchAll(/(?<!\d)(\d{1,2})\s*([A-Z]{3,4})[A-Z]*(?:\s*\/\s*[A-Z]+)?[\s./-]*(\d{4}|\d{2})(?!\d)/g)) {
    const month = MONTHS[m[2]!] ?? MONTHS[m[2]!.slice(0, 3)];
    if (month) add(m[3]!, month, +m[1]!);
  }
  for (const m of t.matchAll(/(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)/g)) add(m[3]!, +m[2]!, +m[1]!); // DDMMYYYY run together
  return out;
}

const hamming = (a: string, b: string) => [...a].reduce((n, c, i) => n + (c === b[i] ? 0 : 1), 0);

export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
