/** Turns MRZ lines of a known format into fields and per-check-digit results. */
import { checkDigitMatches } from './check-digit.js';
import { mrzDate } from './mrz-dates.js';
import { FORMATS, spanText, type CheckSpec, type FormatSpec } from './mrz-formats.js';
import { emptyFields, type ExtractedFields, type FieldName, type MrzFormat } from './types.js';

export interface ParsedMrz {
  format: MrzFormat;
  lines: string[];
  fields: ExtractedFields;
  checks: Record<string, boolean>;
  valid: boolean;
}

export const CHECK_FIELD: Record<CheckSpec['name'], FieldName | undefined> = {
  documentNumber: 'idNumber', birthDate: 'birthDate', expiryDate: 'expiryDate',
  personalNumber: 'personalNumber', composite: undefined,
};

const strip = (s: string): string | null => s.replace(/</g, ' ').trim().replace(/\s+/g, ' ') || null;

/** TD1 long document numbers (> 9 chars) continue in the optional field, ICAO 9303-5 note j. */
function td1LongNumber(lines: string[]): { number: string; digit: string } | null {
  const l1 = lines[0] ?? '';
  if (l1[14] !== '<' || l1[15] === '<' || l1[15] === undefined) return null;
  const rest = l1.slice(15).split('<')[0] ?? '';
  if (rest.length < 2) return null;
  return { number: l1.slice(5, 14) + rest.slice(0, -1), digit: rest.slice(-1) };
}

export function evaluateCheck(spec: FormatSpec, check: CheckSpec, lines: string[]): boolean {
  if (spec.format === 'TD1' && check.name === 'documentNumber') {
    const long = td1LongNumber(lines);
    if (long) return checkDigitMatches(long.number, long.digit);
  }
  const data = check.data.map((sp) => spanText(lines, sp)).join('');
  return checkDigitMatches(data, spanText(lines, check.digit), check.name === 'personalNumber');
}

function names(nameField: string): Pick<ExtractedFields, 'name' | 'surname' | 'givenNames'> {
  const cut = nameField.indexOf('<<');
  const surname = strip(cut < 0 ? nameField : nameField.slice(0, cut));
  const givenNames = cut < 0 ? null : strip(nameField.slice(cut + 2));
  const name = [surname, givenNames].filter(Boolean).join(' ') || null;
  return { name, surname, givenNames };
}

function sexOf(c: string | undefined): ExtractedFields['sex'] {
  return c === 'M' || c === 'F' || c === 'X' ? c : null;
}

function fieldsOf(format: MrzFormat, lines: string[]): ExtractedFields {
  const [l1 = '', l2 = '', l3 = ''] = lines;
  const f = emptyFields();
  f.documentCode = strip(l1.slice(0, 2));
  f.issuer = strip(l1.slice(2, 5));
  if (format === 'TD1') {
    const long = td1LongNumber(lines);
    f.idNumber = strip(long ? long.number : l1.slice(5, 14));
    f.personalNumber = long ? strip(l2.slice(18, 29)) : strip(l1.slice(15, 30)) ?? strip(l2.slice(18, 29));
    f.birthDate = mrzDate(l2.slice(0, 6), 'birth');
    f.sex = sexOf(l2[7]);
    f.expiryDate = mrzDate(l2.slice(8, 14), 'expiry');
    f.nationality = strip(l2.slice(15, 18));
    Object.assign(f, names(l3));
    return f;
  }
  const len = FORMATS[format].lineLength;
  Object.assign(f, names(l1.slice(5, len)));
  f.idNumber = strip(l2.slice(0, 9));
  f.nationality = strip(l2.slice(10, 13));
  f.birthDate = mrzDate(l2.slice(13, 19), 'birth');
  f.sex = sexOf(l2[20]);
  f.expiryDate = mrzDate(l2.slice(21, 27), 'expiry');
  const optionalEnd = format === 'TD3' ? 42 : format === 'TD2' ? 35 : len;
  f.personalNumber = strip(l2.slice(28, optionalEnd));
  return f;
}

const DOC_CODES: Record<MrzFormat, RegExp> = { TD1: /^[ACI]/, TD2: /^[ACI]/, TD3: /^P/, MRVA: /^V/, MRVB: /^V/ };
// Name tokens that are '<' misreads rather than names: a lone K/L/C/E, or runs of K/L.
const FILLER_MISREAD = /(^|<)[KLCE](<|$)|[KL]{4,}/;
const NAME = /^<*[A-Z]+(<[A-Z]+)*(<<[A-Z]+(<[A-Z]+)*)?<*$/;

/**
 * The parts no check digit covers (document code, states, name) must at least be well formed,
 * so a misread name line cannot ride along on a valid data line.
 */
function wellFormed(format: MrzFormat, lines: string[]): boolean {
  const l1 = lines[0]!;
  const nameField = format === 'TD1' ? lines[2]! : l1.slice(5);
  const nationality = format === 'TD1' ? lines[1]!.slice(15, 18) : lines[1]!.slice(10, 13);
  return DOC_CODES[format].test(l1) && /^[A-Z<]{3}$/.test(l1.slice(2, 5)) && /^[A-Z<]{3}$/.test(nationality)
    && NAME.test(nameField) && !FILLER_MISREAD.test(nameField);
}

export function parseMrz(format: MrzFormat, lines: string[]): ParsedMrz {
  const spec = FORMATS[format];
  const checks: Record<string, boolean> = {};
  for (const c of spec.checks) checks[c.name] = evaluateCheck(spec, c, lines);
  const valid = lines.length === spec.classes.length
    && lines.every((l) => l.length === spec.lineLength && /^[A-Z0-9<]+$/.test(l))
    && Object.values(checks).every(Boolean)
    && wellFormed(format, lines);
  return { format, lines, fields: fieldsOf(format, lines), checks, valid };
}
