/**
 * MRZ lines → fields and check results, with the `mrz` package (cheminfo/mrz): it detects the
 * layout (TD1, TD2, TD3, the French national ID card's 2 × 36, the driving-licence layouts it
 * knows), checks every check digit the way ICAO 9303 defines them (incl. TD1 long document
 * numbers, note j) and names the failing field. What it lacks is kept here: visas (MRV-A/B: no
 * composite or personal-number check, document code V), the ICAO code list (UTO specimens,
 * D for Germany, organisations), and date centuries.
 */
import { parse as parseWithLibrary, type Details, type ParseResult } from 'mrz';
import { isCountryCode } from './country-codes.js';
import { mrzDate } from './mrz-dates.js';
import { emptyFields, type ExtractedFields, type FieldName, type MrzFormat } from './types.js';

export interface ParsedMrz {
  format: MrzFormat;
  lines: string[];
  fields: ExtractedFields;
  /** Per check digit (documentNumber, birthDate, expiryDate, personalNumber, composite): passes. */
  checks: Record<string, boolean>;
  /** Every check digit passes and every field is well formed. */
  valid: boolean;
  /** What is wrong, per field, in words. */
  problems: Array<{ field: string; message: string }>;
  /** Which positions each check digit covers (line, start, end exclusive), digit included. */
  checkSpans: Record<string, Span[]>;
  /** Where each field's characters are (the name: surname and given names). */
  fieldSpans: Partial<Record<FieldName, Span[]>>;
}

export interface Span { line: number; start: number; end: number }

/** Every check digit passes (fields may still be malformed: `valid` asks both). */
export const allChecksPass = (p: Pick<ParsedMrz, 'checks'>): boolean => Object.values(p.checks).every(Boolean);

const FIELD_OF: Record<string, FieldName[]> = {
  lastName: ['surname', 'name'], firstName: ['givenNames', 'name'], documentNumber: ['idNumber'], birthDate: ['birthDate'],
  expirationDate: ['expiryDate'], issuingState: ['issuer'], nationality: ['nationality'], sex: ['sex'], documentCode: ['documentCode'],
  personalNumber: ['personalNumber'],
};

export const CHECK_FIELD: Record<string, FieldName | undefined> = {
  documentNumber: 'idNumber', birthDate: 'birthDate', expiryDate: 'expiryDate', personalNumber: 'personalNumber', composite: undefined,
};

const CHECK_NAMES: Record<string, string> = {
  documentNumberCheckDigit: 'documentNumber', birthDateCheckDigit: 'birthDate', expirationDateCheckDigit: 'expiryDate',
  personalNumberCheckDigit: 'personalNumber', compositeCheckDigit: 'composite',
};

/** The layout of well-sized lines, or null. Visas are told by their document code. */
export function formatOf(lines: string[]): MrzFormat | null {
  const n = lines.length, len = lines[0]?.length ?? 0;
  if (!lines.every((l) => l.length === len)) return null;
  if (n === 3 && len === 30) return 'TD1';
  if (n !== 2) return null;
  const visa = lines[0]![0] === 'V';
  if (len === 44) return visa ? 'MRVA' : 'TD3';
  if (len === 36) return visa ? 'MRVB' : /^IDFRA/.test(lines[0]!) ? 'FRENCH_ID' : 'TD2';
  return null;
}

export function parseMrz(lines: string[], format: MrzFormat | null = formatOf(lines)): ParsedMrz | null {
  if (!format || formatOf(lines) === null || !lines.every((l) => /^[A-Z0-9<]+$/.test(l))) return null;
  let result: ParseResult;
  try {
    // A visa is parsed as the passport or TD2 card of its size; the checks it lacks are dropped below.
    result = parseWithLibrary(visaAsDocument(lines, format));
  } catch {
    return null;
  }
  const checks: Record<string, boolean> = {};
  const checkSpans: ParsedMrz['checkSpans'] = {};
  const problems: ParsedMrz['problems'] = [];
  const fieldSpans: ParsedMrz['fieldSpans'] = {};
  for (const d of result.details) {
    if (!applies(format, d)) continue;
    // The name counts with its whole field (fillers included: a filler read as a letter adds a name).
    for (const f of FIELD_OF[d.field ?? ''] ?? []) (fieldSpans[f] ??= []).push(...(f === 'name' ? d.ranges : [d]).map(({ line, start, end }) => ({ line, start, end })));
    const check = d.field ? CHECK_NAMES[d.field] : undefined;
    if (check) { checks[check] = d.valid; checkSpans[check] = d.ranges.map(({ line, start, end }) => ({ line, start, end })); }
    const ok = d.field === 'issuingState' || d.field === 'nationality' ? isCountryCode(lines[d.line]!.slice(d.start, d.end).padEnd(3, '<')) || isCountryCode(raw(d)) : d.valid;
    if (!ok) problems.push({ field: d.field ?? d.label, message: d.error ?? `${d.label} is not valid` });
  }
  const fields = fieldsOf(format, lines, result);
  if (fields.birthDate === null) problems.push({ field: 'birthDate', message: 'the birth date is not a date' });
  if (fields.expiryDate === null && format !== 'FRENCH_ID') problems.push({ field: 'expirationDate', message: 'the expiry date is not a date' });
  return { format, lines, fields, checks, valid: problems.length === 0, problems, checkSpans, fieldSpans };
}

const raw = (d: Details) => (d.ranges[0] as { raw?: string } | undefined)?.raw ?? '';

function visaAsDocument(lines: string[], format: MrzFormat): string[] {
  if (format !== 'MRVA' && format !== 'MRVB') return lines;
  // The library knows no visas: parse the data it shares with a TD3/TD2 under a passport code.
  return [(format === 'MRVA' ? 'P' : 'I') + lines[0]!.slice(1), lines[1]!];
}

/** Visas carry no composite or personal-number check, and their optional data is free. */
function applies(format: MrzFormat, d: Details): boolean {
  if (format !== 'MRVA' && format !== 'MRVB') return true;
  return !['compositeCheckDigit', 'personalNumberCheckDigit', 'personalNumber', 'optional', 'optional1', 'optional2', 'documentCode'].includes(d.field ?? '');
}

const clean = (s: string | undefined | null): string | null => (s ?? '').replace(/</g, ' ').trim().replace(/\s+/g, ' ') || null;

function fieldsOf(format: MrzFormat, lines: string[], result: ParseResult): ExtractedFields {
  const f = emptyFields();
  const span = (field: string) => {
    const d = result.details.find((x) => x.field === field);
    return d ? lines[d.line]!.slice(d.start, d.end) : null;
  };
  f.documentCode = format === 'MRVA' || format === 'MRVB' ? clean(lines[0]!.slice(0, 2)) : clean(span('documentCode'));
  f.issuer = clean(lines[0]!.slice(2, 5));
  f.nationality = format === 'FRENCH_ID' ? 'FRA' : clean(span('nationality'));
  f.surname = clean(span('lastName'));
  f.givenNames = clean(span('firstName'));
  f.name = [f.surname, f.givenNames].filter(Boolean).join(' ') || null;
  f.idNumber = result.documentNumber ?? clean(span('documentNumber'));
  const birth = span('birthDate'), expiry = span('expirationDate');
  f.birthDate = birth ? mrzDate(birth, 'birth') : null;
  f.expiryDate = expiry ? mrzDate(expiry, 'expiry') : null;
  if (format === 'FRENCH_ID') f.expiryDate = null; // the card's MRZ has an issue date, no expiry (validity follows from it)
  const sex = span('sex');
  f.sex = sex === 'M' || sex === 'F' || sex === 'X' ? sex : null;
  f.personalNumber = format === 'MRVA' || format === 'MRVB' ? null : clean(span('personalNumber') ?? span('optional1') ?? span('optional'));
  return f;
}
