/**
 * Labelled visual-zone fields from full-page OCR, for documents without an MRZ (driving licences)
 * or whose MRZ could not be found. A value follows its label on the same line, or sits on the
 * next line. EU driving licences number their fields (1. surname, 2. given names, 3. birth date,
 * 4b. expiry, 5. number). Confidences stay below MRZ ones: nothing cross-checks these values.
 */
import type { OcrLine } from './tesseract-pool.js';
import { emptyFields, type ExtractedFields, type FieldName } from './types.js';

type VizField = 'surname' | 'givenNames' | 'birthDate' | 'expiryDate' | 'idNumber' | 'nationality' | 'sex';

const LABELS: Array<[VizField, RegExp]> = [
  ['givenNames', /\b(given\s*names?|first\s*names?|forenames?|pr[ée]noms?|nombres?|vornamen)\b/i],
  ['surname', /\b(surname|last\s*name|family\s*name|nom|apellidos?|name)\b/i],
  ['birthDate', /\b(date\s*of\s*birth|birth\s*date|born|dob|date\s*de\s*naissance|geburtsdatum)\b/i],
  ['expiryDate', /\b(date\s*of\s*expiry|expiry\s*date|expiration|expires?|valid\s*until|date\s*d.expiration)\b/i],
  ['idNumber', /\b(document\s*n[o°º]|passport\s*n[o°º]|card\s*n[o°º]|licen[cs]e\s*n[o°º]|n[o°º]\s*of\s*document|document\s*number|number)\b\.?/i],
  ['nationality', /\b(nationality|nationalit[ée]|nacionalidad)\b/i],
  ['sex', /\b(sex|sexe|sexo|gender)\b/i],
];

const EU_DL: Array<[VizField, RegExp]> = [
  ['surname', /^\s*1\.\s*(.+)$/], ['givenNames', /^\s*2\.\s*(.+)$/], ['birthDate', /^\s*3\.\s*(.+)$/],
  ['expiryDate', /^\s*4b\.\s*(.+)$/i], ['idNumber', /^\s*5\.\s*(.+)$/],
];

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** dd.mm.yyyy, dd/mm/yy, dd MMM yyyy, yyyy-mm-dd → ISO. */
export function vizDate(text: string, kind: 'birth' | 'expiry'): string | null {
  const t = text.toUpperCase();
  let m = /(\d{4})[-./](\d{1,2})[-./](\d{1,2})/.exec(t);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!);
  m = /(\d{1,2})[\s./-]+([A-Z]{3})[A-Z]*[\s./-]+(\d{2,4})/.exec(t);
  if (m && MONTHS.includes(m[2]!)) return iso(year(m[3]!, kind), MONTHS.indexOf(m[2]!) + 1, +m[1]!);
  m = /(\d{1,2})[\s./-]+(\d{1,2})[\s./-]+(\d{2,4})/.exec(t);
  if (m) return iso(year(m[3]!, kind), +m[2]!, +m[1]!);
  return null;
}

function year(y: string, kind: 'birth' | 'expiry'): number {
  if (y.length === 4) return +y;
  const full = 2000 + +y;
  return kind === 'birth' && full > new Date().getUTCFullYear() ? full - 100 : full;
}

function iso(y: number, mo: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCMonth() !== mo - 1 || y < 1900 || y > 2100) return null;
  return dt.toISOString().slice(0, 10);
}

function clean(field: VizField, raw: string): string | null {
  const v = raw.replace(/^[\s:./|-]+/, '').trim();
  if (!v) return null;
  switch (field) {
    case 'birthDate': return vizDate(v, 'birth');
    case 'expiryDate': return vizDate(v, 'expiry');
    case 'sex': { const m = /\b([MFX])\b/i.exec(v); return m ? m[1]!.toUpperCase() : null; }
    case 'idNumber': { const m = /[A-Z0-9]{5,}/i.exec(v.replace(/\s+/g, '')); return m ? m[0].toUpperCase() : null; }
    case 'nationality': { const m = /\b[A-Z]{3}\b/.exec(v.toUpperCase()); return m ? m[0] : null; }
    default: {
      const name = v.toUpperCase().replace(/[^A-ZÀ-Ý' -]/g, ' ').replace(/\s+/g, ' ').trim();
      return name.length >= 2 ? name : null;
    }
  }
}

/** Value after the label on the same line, else the next line. */
function valueFor(field: VizField, lines: OcrLine[], i: number, label: RegExp): string | null {
  const line = lines[i]!.text;
  const m = label.exec(line)!;
  const after = line.slice(m.index + m[0].length).replace(/^\s*(\/\s*[^\s:]+\s*)*[:]?/, '');
  return clean(field, after) ?? (lines[i + 1] ? clean(field, lines[i + 1]!.text) : null);
}

export function extractVizFields(lines: OcrLine[]): { fields: ExtractedFields; confidence: Partial<Record<FieldName, number>> } {
  const fields = emptyFields();
  const confidence: Partial<Record<FieldName, number>> = {};
  const set = (f: VizField, v: string | null, conf: number) => {
    if (v === null || fields[f] !== null) return;
    (fields as unknown as Record<string, string>)[f] = v;
    confidence[f] = Math.round(Math.min(0.7, 0.7 * conf) * 100) / 100;
  };
  lines.forEach((l, i) => {
    for (const [f, re] of EU_DL) { const m = re.exec(l.text); if (m) set(f, clean(f, m[1]!), l.confidence / 100); }
    for (const [f, re] of LABELS) if (re.test(l.text)) set(f, valueFor(f, lines, i, re), (l.confidence / 100) * 0.9);
  });
  if (fields.surname || fields.givenNames) fields.name = [fields.surname, fields.givenNames].filter(Boolean).join(' ');
  if (fields.name) confidence.name = Math.min(confidence.surname ?? 1, confidence.givenNames ?? 1);
  return { fields, confidence };
}
