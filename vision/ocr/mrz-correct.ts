/**
 * MRZ correction by field position and check digits.
 * 1. Fit each line to the format length (add/remove fillers where OCR merged or split '<' runs).
 * 2. Map characters to the class their position allows (O→0 in digit positions, 0→O in letter ones).
 * 3. Turn K/L/C/E inside trailing filler runs into '<' (the classic misread of '<').
 * 4. Vote per position over several OCR reads; for a field whose check digit fails, try the other
 *    reads' characters (and, where a composite check guards the result, common confusions) at
 *    its data positions. A change is kept only when it makes the whole MRZ valid and is the unique
 *    smallest such change. Check digits themselves are never altered beyond class mapping, so a
 *    printed wrong check digit stays wrong.
 */
import { evaluateCheck } from './mrz-parse.js';
import { FORMATS, spanText, type CharClass, type FormatSpec } from './mrz-formats.js';
import { fixCountryCode } from './country-codes.js';
import type { MrzFormat } from './types.js';

const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', U: '0', I: '1', L: '1', J: '1', T: '7', Z: '2', S: '5', B: '8', G: '6', A: '4' };
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B' };
const CONFUSABLE: Record<string, string[]> = {
  '0': ['O', 'D'], O: ['0'], D: ['0'], '1': ['I'], I: ['1'], '2': ['Z'], Z: ['2'], '5': ['S'], S: ['5'],
  '8': ['B'], B: ['8'], '6': ['G'], G: ['6'], K: ['<'], L: ['<'], C: ['<'], E: ['<'],
};
const FILLER_LOOKALIKE = /[KLCE]/;

function mapChar(c: string, cls: CharClass): string {
  if (cls === 'N' || cls === 'C') return TO_DIGIT[c] ?? c;
  if (cls === 'A') return TO_LETTER[c] ?? c;
  if (cls === 'S') return c === 'H' ? 'M' : c === 'P' || c === 'E' ? 'F' : c;
  return c;
}

function fits(c: string, cls: CharClass): boolean {
  if (cls === 'N') return /[0-9]/.test(c);
  if (cls === 'C') return /[0-9<]/.test(c);
  if (cls === 'A') return /[A-Z<]/.test(c);
  if (cls === 'S') return /[MFX<]/.test(c);
  return true;
}

export function classFix(line: string, classes: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) out += mapChar(line[i]!, (classes[i] ?? 'X') as CharClass);
  return out;
}

/** K/L/C/E in a filler run that reaches the end of the line are '<' misreads. */
export function fixTrailingFillers(line: string): string {
  const m = /[<KLCE]*$/.exec(line);
  if (!m || m[0].length < 3) return line;
  const run = m[0];
  // Letters touching the preceding word belong to it (e.g. MICHELLE<<<): keep up to the first '<'.
  const firstFiller = run.indexOf('<');
  if (firstFiller < 0) return run.length >= 6 ? line.slice(0, m.index) + '<'.repeat(run.length) : line;
  const keep = run.slice(0, firstFiller);
  return line.slice(0, m.index) + keep + '<'.repeat(run.length - keep.length);
}

function conformity(line: string, classes: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) if (fits(line[i]!, (classes[i] ?? 'X') as CharClass)) n++;
  return n;
}

/** One-character edits that move the length towards target: inside '<' runs, or at either end. */
function lengthEdits(line: string, grow: boolean): string[] {
  const out = new Set<string>();
  if (grow) { out.add(line + '<'); out.add('<' + line); } else { out.add(line.slice(0, -1)); out.add(line.slice(1)); }
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '<' || line[i - 1] === '<') continue; // one edit per run start
    out.add(grow ? line.slice(0, i) + '<' + line.slice(i) : line.slice(0, i) + line.slice(i + 1));
  }
  return [...out];
}

/** Greedy length fitting scored by how well characters fit their positions' classes. */
export function fitLength(line: string, spec: FormatSpec, lineNo: number): string | null {
  const classes = spec.classes[lineNo]!;
  const target = spec.lineLength;
  if (Math.abs(line.length - target) > 10) return null;
  let cur = fixTrailingFillers(line);
  while (cur.length !== target) {
    const options = lengthEdits(cur, cur.length < target);
    cur = options.reduce((best, o) => (scoreLine(o, spec, lineNo, classes) > scoreLine(best, spec, lineNo, classes) ? o : best));
  }
  return cur;
}

function scoreLine(line: string, spec: FormatSpec, lineNo: number, classes: string): number {
  if (line.length !== spec.lineLength) return conformity(line, classes);
  const fixed = classFix(line, classes);
  const lines = spec.classes.map((_, i) => (i === lineNo ? fixed : '<'.repeat(spec.lineLength)));
  let checks = 0;
  for (const c of spec.checks) {
    if (c.data.every((d) => d.line === lineNo) && c.digit.line === lineNo && evaluateCheck(spec, c, lines)) checks++;
  }
  return checks * 10 + conformity(line, classes);
}

/** Normalise one OCR read of the block into format-length, class-fixed lines. */
/** Trailing-filler repair on the part of the line before any trailing check-digit positions. */
function fixFillersBeforeDigits(line: string, classes: string): string {
  const end = classes.search(/[CN]*$/);
  return fixTrailingFillers(line.slice(0, end)) + line.slice(end);
}

/**
 * The document code: a TD3 code starts with P and a visa's with V (ICAO 9303 parts 4 and 7); a
 * letter no document code starts with that looks like them is a misread (F for a blurred P). Any
 * other letter stays, so the parse can refuse a code the format does not take. No ICAO code has
 * K/L second: that is a '<' misread.
 */
const CODE_LOOKALIKES: Record<string, string> = { P: 'FR', V: 'Y' };

function fixDocCode(line: string, spec: FormatSpec): string {
  const lookalike = spec.codeLetter && CODE_LOOKALIKES[spec.codeLetter]!.includes(line[0] ?? '');
  const code = lookalike ? spec.codeLetter + line.slice(1) : line;
  return /^[A-Z][KL]/.test(code) ? code[0] + '<' + code.slice(2) : code;
}

function fixCountryCodes(lines: string[], spec: FormatSpec): string[] {
  let out = lines;
  for (const sp of spec.countryCodes) {
    const code = spanText(out, sp);
    const fixed = fixCountryCode(code);
    if (fixed !== code) out = out.map((l, i) => (i === sp.line ? l.slice(0, sp.start) + fixed + l.slice(sp.end) : l));
  }
  return out;
}

/**
 * O/D/Q next to digits in alphanumeric fields are usually zeros. Check digits cannot tell: O (24)
 * and D (13) differ from 0 by amounts that cancel mod 10 in pairs/triples. So when both readings
 * pass a field's check, or neither does, prefer the one with digits (optional data, guarded by
 * the composite check only, included).
 */
export function preferDigits(lines: string[], spec: FormatSpec): string[] {
  let out = lines;
  for (const check of spec.checks) {
    for (const d of check.data) {
      const field = out[d.line]!.slice(d.start, d.end);
      const digitised = field.replace(/[ODQ](?=[0-9ODQ]*[0-9])|(?<=[0-9][0-9ODQ]*)[ODQ]/g, '0');
      if (digitised === field) continue;
      const t = out.map((l, i) => (i === d.line ? l.slice(0, d.start) + digitised + l.slice(d.end) : l));
      // Never trade a passing check for a failing one; a failing field reads better with digits.
      if (evaluateCheck(spec, check, t) || !evaluateCheck(spec, check, out)) out = t;
    }
  }
  return out;
}

export function normaliseRead(raw: string[], format: MrzFormat): string[] | null {
  const spec = FORMATS[format];
  if (raw.length !== spec.classes.length) return null;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const fitted = fitLength(raw[i]!, spec, i);
    if (!fitted) return null;
    const fixed = fixFillersBeforeDigits(classFix(fitted, spec.classes[i]!), spec.classes[i]!);
    out.push(i === 0 ? fixDocCode(fixed, spec) : fixed);
  }
  return preferDigits(fixCountryCodes(out, spec), spec);
}

interface Candidates { primary: string[]; alts: Map<string, Set<string>> } // key "line:pos"

/** A read's vote weight: one number, or one per line and position. */
export type ReadWeight = number | number[][];

/** A character its position cannot hold (a letter where a check digit goes) is a failed read: it barely counts. */
const MISFIT_WEIGHT = 0.1;

function vote(reads: string[][], weights: ReadWeight[], spec: FormatSpec): Candidates {
  const first = reads[0]!;
  const primary: string[] = [];
  const alts = new Map<string, Set<string>>();
  first.forEach((line, li) => {
    let out = '';
    for (let p = 0; p < line.length; p++) {
      const counts = new Map<string, number>();
      reads.forEach((r, ri) => {
        const c = r[li]![p]!;
        const w = weights[ri] ?? 1;
        const fit = fits(c, (spec.classes[li]?.[p] ?? 'X') as CharClass) ? 1 : MISFIT_WEIGHT;
        counts.set(c, (counts.get(c) ?? 0) + fit * (typeof w === 'number' ? w : w[li]?.[p] ?? 1));
      });
      const best = [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      out += best;
      if (counts.size > 1) alts.set(`${li}:${p}`, new Set([...counts.keys()].filter((c) => c !== best)));
    }
    primary.push(out);
  });
  return { primary, alts };
}

const allValid = (spec: FormatSpec, lines: string[]) => spec.checks.every((c) => evaluateCheck(spec, c, lines));

function setChar(lines: string[], li: number, p: number, c: string): string[] {
  return lines.map((l, i) => (i === li ? l.slice(0, p) + c + l.slice(p + 1) : l));
}

/** Alternatives at one data position: other reads' characters, plus confusions when guarded. */
function positionAlts(cand: Candidates, lines: string[], li: number, p: number, cls: CharClass, guarded: boolean): string[] {
  const out = new Set(cand.alts.get(`${li}:${p}`) ?? []);
  const c = lines[li]![p]!;
  if (guarded && cls === 'X') for (const a of CONFUSABLE[c] ?? []) if (a !== '<' || FILLER_LOOKALIKE.test(c)) out.add(a);
  return [...out].filter((a) => fits(a, cls) && a !== c);
}

/** For each failing check, the unique smallest (≤ 2 chars) change of its data that passes it. */
function repairFields(spec: FormatSpec, cand: Candidates, guarded: boolean): string[] {
  let lines = cand.primary;
  const composite = spec.checks.find((c) => c.name === 'composite');
  // Guessed confusions must satisfy the composite check too: two independent mod-10 tests.
  const passes = (check: FormatSpec['checks'][number], t: string[]) =>
    evaluateCheck(spec, check, t) && (!guarded || !composite || evaluateCheck(spec, composite, t));
  for (const check of spec.checks) {
    if (check.name === 'composite' || evaluateCheck(spec, check, lines)) continue;
    const positions: Array<[number, number, string[]]> = [];
    for (const d of check.data) {
      for (let p = d.start; p < d.end; p++) {
        const alts = positionAlts(cand, lines, d.line, p, (spec.classes[d.line]![p] ?? 'X') as CharClass, guarded);
        if (alts.length) positions.push([d.line, p, alts]);
      }
    }
    const singles: string[][] = [];
    for (const [li, p, alts] of positions) for (const a of alts) {
      const t = setChar(lines, li, p, a);
      if (passes(check, t)) singles.push(t);
    }
    if (singles.length === 1) { lines = singles[0]!; continue; }
    if (singles.length > 1 || positions.length > 8) continue;
    const pairs: string[][] = [];
    positions.forEach(([li, p, alts], i) => {
      for (const [li2, p2, alts2] of positions.slice(i + 1)) for (const a of alts) for (const b of alts2) {
        const t = setChar(setChar(lines, li, p, a), li2, p2, b);
        if (passes(check, t)) pairs.push(t);
      }
    });
    if (pairs.length === 1) lines = pairs[0]!;
  }
  return lines;
}

/**
 * Best lines for a format from several reads (best read first). Changes beyond the majority vote
 * are kept only if they make every check pass; confusion-table guesses need a composite check.
 */
export function correctMrz(rawReads: string[][], format: MrzFormat, rawWeights?: ReadWeight[]): string[] | null {
  const spec = FORMATS[format];
  const normalised = rawReads.map((r) => normaliseRead(r, format));
  const reads = normalised.filter((r): r is string[] => r !== null);
  if (!reads.length) return null;
  const weights = normalised.flatMap((r, i) => (r ? [rawWeights?.[i] ?? 1] : []));
  const cand = vote(reads, weights, spec);
  return preferDigits(chooseLines(spec, cand, reads), spec);
}

function chooseLines(spec: FormatSpec, cand: Candidates, reads: string[][]): string[] {
  if (allValid(spec, cand.primary)) return cand.primary;
  const hasComposite = spec.checks.some((c) => c.name === 'composite');
  for (const guarded of hasComposite ? [false, true] : [false]) {
    const repaired = repairFields(spec, cand, guarded);
    if (allValid(spec, repaired)) return repaired;
  }
  // One clean read can beat a noisy vote.
  return reads.find((r) => allValid(spec, r)) ?? cand.primary;
}

/** Lines no check digit fully covers: the name line(s), and every line of a visa (no composite). */
export function uncheckedLines(format: MrzFormat): number[] {
  if (format === 'TD1') return [2];
  return format === 'MRVA' || format === 'MRVB' ? [0, 1] : [0];
}
