/**
 * What a read line may still change, and only on evidence: issuing state and nationality become
 * the ICAO-listed code the recognizer's probabilities favour, and check digits decide between
 * the characters the recognizer offered at a failing check's positions. The check digit itself is
 * never changed, a repair must be clearly the most probable one that passes, and a repaired
 * character keeps a confidence that says it was a runner-up.
 */
import type { DecodedLine } from './ctc-decode.js';
import { isCountryCode } from './country-codes.js';
import { FORMATS } from './mrz-formats.js';
import { allChecksPass, parseMrz, type ParsedMrz } from './mrz-parse.js';
import type { MrzFormat } from './types.js';

const UNSEEN = 1e-4; // probability of a character the network did not offer at a position
const MAX_COUNTRY_COST = Math.log(100); // a listed code at most this much less probable than the read
const MAX_REPAIR_COST = Math.log(2000);
const MIN_REPAIR_MARGIN = Math.log(5); // the best passing repair must beat the next by this factor
const MIN_ALTERNATIVE = 0.005;

const COUNTRY_SPANS: Partial<Record<MrzFormat, Array<[number, number]>>> = {
  TD1: [[0, 2], [1, 15]], TD2: [[0, 2], [1, 10]], TD3: [[0, 2], [1, 10]], MRVA: [[0, 2], [1, 10]], MRVB: [[0, 2], [1, 10]], FRENCH_ID: [[0, 2]],
};

const CLASS_CHARS: Record<string, RegExp> = { A: /[A-Z<]/, N: /[0-9]/, C: /[0-9<]/, S: /[MFX<]/, X: /[A-Z0-9<]/ };

function probOf(d: DecodedLine, pos: number, c: string): number {
  if (d.text[pos] === c) return d.confidence[pos]!;
  return d.alternatives[pos]!.find(([a]) => a === c)?.[1] ?? UNSEEN;
}

function setChar(d: DecodedLine, pos: number, c: string): void {
  if (d.text[pos] === c) return;
  const p = probOf(d, pos, c), own = d.confidence[pos]!;
  d.text = d.text.slice(0, pos) + c + d.text.slice(pos + 1);
  d.confidence[pos] = p / (p + own);
}

/** Issuing state and nationality: an unlisted read becomes the most probable listed code, if near. */
export function settleCountryCodes(format: MrzFormat, lines: DecodedLine[]): void {
  for (const [li, start] of COUNTRY_SPANS[format] ?? []) {
    const d = lines[li];
    if (!d) continue;
    const code = d.text.slice(start, start + 3);
    if (isCountryCode(code)) continue;
    const cost = (cand: string) => [...cand].reduce((s, c, i) => s - Math.log(probOf(d, start + i, c)), 0);
    const own = cost(code);
    let best: string | null = null, bestCost = Infinity;
    for (const cand of candidateCodes(d, start)) {
      const c = cost(cand);
      if (c < bestCost) { best = cand; bestCost = c; }
    }
    if (best && bestCost - own <= MAX_COUNTRY_COST) [...best].forEach((c, i) => setChar(d, start + i, c));
  }
}

/** Listed codes made of the characters offered at the three positions. */
function candidateCodes(d: DecodedLine, start: number): string[] {
  const options = [0, 1, 2].map((i) => [d.text[start + i]!, ...d.alternatives[start + i]!.map(([c]) => c)]);
  const out: string[] = [];
  for (const a of options[0]!) for (const b of options[1]!) for (const c of options[2]!) if (isCountryCode(a + b + c)) out.push(a + b + c);
  return out;
}

interface Edit { line: number; pos: number; char: string; cost: number }

/**
 * The lines with the cheapest set of one or two offered substitutions that makes every failing
 * check digit pass, when it is clearly the cheapest; else the lines as read. Null if unparseable.
 */
export function repairByCheckDigits(lines: DecodedLine[], format: MrzFormat): ParsedMrz | null {
  const parsed = parseMrz(lines.map((d) => d.text), format);
  if (!parsed) return null;
  const failing = Object.entries(parsed.checks).filter(([, ok]) => !ok).map(([name]) => name);
  if (!failing.length) return parsed;
  const edits = candidateEdits(lines, format, parsed, failing);
  const passing: Array<{ edits: Edit[]; cost: number }> = [];
  const tryEdits = (set: Edit[]) => {
    const cost = set.reduce((s, e) => s + e.cost, 0);
    if (cost > MAX_REPAIR_COST) return;
    const texts = lines.map((d, li) => set.reduce((t, e) => (e.line === li ? t.slice(0, e.pos) + e.char + t.slice(e.pos + 1) : t), d.text));
    const p = parseMrz(texts, format);
    if (p && allChecksPass(p)) passing.push({ edits: set, cost });
  };
  for (const e of edits) tryEdits([e]);
  const cheap = edits.slice(0, 14);
  for (let i = 0; i < cheap.length; i++) {
    for (let j = i + 1; j < cheap.length; j++) {
      const a = cheap[i]!, b = cheap[j]!;
      if (a.line !== b.line || a.pos !== b.pos) tryEdits([a, b]);
    }
  }
  passing.sort((a, b) => a.cost - b.cost);
  const [best, next] = passing;
  if (!best || (next && next.cost - best.cost < MIN_REPAIR_MARGIN)) return parsed;
  for (const e of best.edits) setChar(lines[e.line]!, e.pos, e.char);
  return parseMrz(lines.map((d) => d.text), format);
}

/** Offered alternatives at the data positions of failing checks, none under a passing check. */
function candidateEdits(lines: DecodedLine[], format: MrzFormat, parsed: ParsedMrz, failing: string[]): Edit[] {
  const key = (l: number, p: number) => `${l}:${p}`;
  const covered = (name: string, withDigit: boolean) => (parsed.checkSpans[name] ?? []).slice(withDigit ? 0 : 1)
    .flatMap((r) => Array.from({ length: r.end - r.start }, (_, i) => key(r.line, r.start + i)));
  const digits = new Set(Object.keys(parsed.checkSpans).flatMap((n) => covered(n, true).slice(0, 1)));
  const trusted = new Set(Object.entries(parsed.checks).filter(([n, ok]) => ok && n !== 'composite').flatMap(([n]) => covered(n, true)));
  const positions = new Set(failing.flatMap((n) => covered(n, false)).filter((k) => !trusted.has(k) && !digits.has(k)));
  const edits: Edit[] = [];
  for (const k of positions) {
    const [line, pos] = k.split(':').map(Number) as [number, number];
    const d = lines[line]!;
    const allowed = CLASS_CHARS[FORMATS[format].classes[line]![pos]!] ?? /./;
    for (const [c, p] of d.alternatives[pos]!) {
      if (p < MIN_ALTERNATIVE || !allowed.test(c)) continue;
      edits.push({ line, pos, char: c, cost: Math.log(d.confidence[pos]!) - Math.log(p) });
    }
  }
  return edits.sort((a, b) => a.cost - b.cost);
}
