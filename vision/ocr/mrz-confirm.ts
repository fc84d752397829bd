/**
 * What a passing check digit cannot vouch for. Check digits weigh characters by value mod 10, so
 * a check passes just as well with U for 0, Z for 5, S or I for 8 (equal values mod 10); and some
 * positions (names, nationality, sex, a visa's whole MRZ) have no check at all. A parse is only
 * reported valid when every such character is backed by agreeing OCR runs or a sure glyph match.
 */
import { charValue } from './check-digit.js';
import { FORMATS, type FormatSpec } from './mrz-formats.js';
import { normaliseRead, uncheckedLines, type ReadWeight } from './mrz-correct.js';
import { evaluateCheck, type ParsedMrz } from './mrz-parse.js';
import type { MrzBlock } from './mrz-text.js';

/** pass: which OCR run a read came from; ranked: per line and cell, template (char, distance) best first. */
export interface Read {
  block: MrzBlock; confidence: number; pass: number; letterConfidence?: number[]; weight?: ReadWeight;
  ranked?: Array<Array<Array<[string, number]>>>;
}

const MIN_LETTER_CONFIDENCE = Number(process.env.MRZ_MIN_LETTER_CONF ?? 70);
/** Template distance by which a character must beat a check-equivalent one to stand on its own. */
const EQUIVALENT_MARGIN = 0.03;
const CLASS_CHARS: Record<string, RegExp> = { A: /[A-Z<]/, N: /[0-9]/, C: /[0-9<]/, S: /[MFX<]/, X: /[A-Z0-9<]/ };

function guardedPositions(spec: FormatSpec): Set<string> {
  const out = new Set<string>();
  for (const c of spec.checks) for (const sp of [...c.data, c.digit]) for (let p = sp.start; p < sp.end; p++) out.add(`${sp.line}:${p}`);
  return out;
}

export function confirmed(parsed: ParsedMrz, reads: Read[]): ParsedMrz {
  if (!parsed.valid) return parsed;
  const spec = FORMATS[parsed.format];
  const norm = reads.map((r) => ({ r, lines: normaliseRead(r.block.lines, parsed.format) }));
  const nameLines = uncheckedLines(parsed.format);
  const guarded = guardedPositions(spec);
  const templateDissents = (li: number, p: number) => norm.some(({ r, lines }) => {
    const a = lines?.[li]?.[p];
    if (!r.ranked || a === undefined || a === parsed.lines[li]![p] || !sureAt(r, li, p)) return false;
    return !guarded.has(`${li}:${p}`) || charValue(a) % 10 === charValue(parsed.lines[li]![p]!) % 10;
  });
  const passesReading = (li: number, p: number, c: string) => new Set(norm.filter((n) => n.lines?.[li]?.[p] === c).map((n) => n.r.pass));
  // A filler only a fitting template is sure of stands if the tesseract runs do not agree on
  // another character there: tesseract misreads OCR-B's '<' as C, K, L, S, each run its own way.
  const templateFiller = (li: number, p: number) => parsed.lines[li]![p] === '<'
    && norm.some(({ r, lines }) => r.ranked && lines?.[li]?.[p] === '<' && sureAt(r, li, p))
    && !norm.some(({ lines }) => { const a = lines?.[li]?.[p]; return a !== undefined && a !== '<' && passesReading(li, p, a).size >= 2; });
  // Unchecked lines: every character read alike by two runs (a filler: or a sure template), and
  // one run that read every letter so, sure of its letters.
  const linesOk = nameLines.every((li) => {
    const line = parsed.lines[li]!;
    const sure = norm.some(({ r, lines }) => (r.letterConfidence?.[li] ?? 0) >= MIN_LETTER_CONFIDENCE
      && [...line].every((c, p) => c === '<' || lines?.[li]?.[p] === c));
    return sure && [...line].every((c, p) => (passesReading(li, p, c).size >= 2 || templateFiller(li, p)) && !templateDissents(li, p));
  });
  const disputed: Array<[number, number]> = [];
  const positionsOk = parsed.lines.every((line, li) => nameLines.includes(li) || [...line].every((c, p) => {
    const passes = passesReading(li, p, c);
    if (passes.size >= 2) return !templateDissents(li, p);
    // A character no run read, put there only because the check digits then pass: two mod-10
    // tests are passed by chance often enough across all two-character repairs to need a reader.
    if (passes.size === 0) return false;
    if (!guarded.has(`${li}:${p}`)) return false; // nothing checks it and only one run saw it
    if (norm.some((n) => n.lines && n.lines[li]![p] !== c)) disputed.push([li, p]);
    return unambiguous(c, li, p, spec, norm.map((n) => n.lines), reads);
  }));
  return linesOk && positionsOk && allVouched(spec, disputed, parsed.lines, norm.map((n) => n.lines))
    ? parsed : { ...parsed, valid: false, checks: { ...parsed.checks, unconfirmedLines: false } };
}

/**
 * A sure match of templates that fit the print (their read passes its own checks) against two
 * agreeing tesseract reads: the vote may side with tesseract, but where no check digit can tell
 * the two apart (a name letter, G/6 or P/F in optional data) neither side is proof, so the MRZ is
 * not reported valid.
 */
export const FITTING_TEMPLATE_WEIGHT = 1.9; // mrz-read's vote weight for such a match (fillers more)
const sureAt = (r: Read, li: number, p: number) => typeof r.weight === 'object' && (r.weight[li]?.[p] ?? 0) >= FITTING_TEMPLATE_WEIGHT;

/**
 * A mod-10 check with weights 7-3-1 catches any one wrong character but two can cancel out: a
 * position only one run read that way, against another run's reading, needs a check covering it
 * with no other such position in its span. A position so settled no longer counts against the
 * other checks covering it (a document number settled by its own check frees the composite).
 */
function allVouched(spec: FormatSpec, disputed: Array<[number, number]>, lines: string[], reads: Array<string[] | null>): boolean {
  const inSpan = (c: FormatSpec['checks'][number], [l, q]: [number, number]) => [...c.data, c.digit].some((d) => d.line === l && q >= d.start && q < d.end);
  let open = disputed;
  for (;;) {
    const settled = open.filter((pos) => spec.checks.some((c) => inSpan(c, pos) && open.filter((o) => inSpan(c, o)).length === 1));
    if (!settled.length) break;
    open = open.filter((pos) => !settled.includes(pos));
  }
  return !open.length || onlyPassingCombination(spec, open, lines, reads);
}

/** Still open: no other combination of the characters the runs offered there passes every check. */
function onlyPassingCombination(spec: FormatSpec, open: Array<[number, number]>, lines: string[], reads: Array<string[] | null>): boolean {
  const options = open.map(([li, p]) => [...new Set(reads.flatMap((r) => (r ? [r[li]![p]!] : [])))].filter((c) => c !== lines[li]![p]));
  if (options.reduce((n, o) => n * (o.length + 1), 1) > 512) return false;
  const tryFrom = (i: number, cur: string[], changed: boolean): boolean => {
    if (i === open.length) return changed && spec.checks.every((c) => evaluateCheck(spec, c, cur));
    const [li, p] = open[i]!;
    return tryFrom(i + 1, cur, changed) || options[i]!.some((c) => tryFrom(i + 1, cur.map((l, k) => (k === li ? l.slice(0, p) + c + l.slice(p + 1) : l)), true));
  };
  return !tryFrom(0, lines, false);
}

/** No run offered a check-equivalent alternative, and the template, if any, clearly prefers c. */
function unambiguous(c: string, li: number, p: number, spec: FormatSpec, lines: Array<string[] | null>, reads: Read[]): boolean {
  const allowed = CLASS_CHARS[spec.classes[li]![p]!] ?? /./;
  const equivalent = (a: string) => a !== c && allowed.test(a) && charValue(a) % 10 === charValue(c) % 10;
  if (lines.some((l) => l && equivalent(l[li]![p]!))) return false;
  for (const r of reads) {
    const ranked = r.ranked?.[li]?.[p];
    if (!ranked) continue;
    const own = ranked.find(([a]) => a === c)?.[1] ?? Infinity;
    const rival = Math.min(Infinity, ...ranked.filter(([a]) => equivalent(a)).map(([, d]) => d));
    if (!(rival - own >= EQUIVALENT_MARGIN)) return false;
  }
  return true;
}
