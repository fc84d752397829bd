/**
 * Decoding the recognizer's per-frame probabilities (CTC). `greedyDecode` reads what the network
 * sees; `constrainedDecode` finds the most probable reading of exactly the layout's length with
 * each position restricted to the characters it may hold (digits in dates, letters in names): the
 * position-aware correction, done on the probabilities instead of on a finished string. Every
 * position keeps its confidence and its runner-up characters for the check-digit step.
 */
import type { LineProbs } from './mrz-recognizer.js';

/** A decoded line: per position the character, its probability, and other characters seen there. */
export interface DecodedLine {
  text: string;
  confidence: number[];
  alternatives: Array<Array<[string, number]>>; // best first, probability ≥ MIN_ALTERNATIVE
  logProb: number; // of the best path (constrained decoding) or the sum of frame maxima (greedy)
}

const MIN_ALTERNATIVE = 0.01;

export function greedyDecode(lp: LineProbs): DecodedLine {
  const { probs, frames, classes, blank, alphabet } = lp;
  const spans: Array<{ k: number; from: number; to: number }> = [];
  let prev = blank, logProb = 0;
  for (let t = 0; t < frames; t++) {
    let k = 0;
    for (let c = 1; c < classes; c++) if (probs[t * classes + c]! > probs[t * classes + k]!) k = c;
    logProb += Math.log(Math.max(1e-12, probs[t * classes + k]!));
    if (k !== blank && k !== prev) spans.push({ k, from: t, to: t });
    else if (k !== blank && k === prev) spans.at(-1)!.to = t;
    prev = k;
  }
  return describe(lp, spans.map((s) => ({ char: alphabet[s.k]!, k: s.k, from: s.from, to: s.to })), logProb);
}

/**
 * The most probable CTC path that emits exactly `allowed.length` characters, position i taking
 * only characters in allowed[i] (Viterbi over the CTC lattice). Null when the line has too few
 * frames for that many characters.
 */
export function constrainedDecode(lp: LineProbs, allowed: string[]): DecodedLine | null {
  const { probs, frames: T, classes: C, blank, alphabet } = lp;
  const L = allowed.length;
  if (T < L) return null;
  const ids = allowed.map((chars) => [...new Set(chars)].map((ch) => alphabet.indexOf(ch)).filter((k) => k >= 0));
  const log = (t: number, k: number) => Math.log(Math.max(1e-12, probs[t * C + k]!));
  const NEG = -Infinity;
  // char[i][j]: best path whose frame t emits position i as ids[i][j]; blankAfter[i + 1]: best whose frame t is a blank after position i.
  let char = ids.map((js) => new Float64Array(js.length).fill(NEG));
  let blankAfter = new Float64Array(L + 1).fill(NEG);
  const bpChar = ids.map((js) => new Int16Array(T * js.length)); // -1 stay, -2 from blank, j' from char j' of i-1
  const bpBlank = new Int16Array(T * (L + 1)); // -1 stay, j from char j of position i
  blankAfter[0] = log(0, blank);
  ids[0]!.forEach((k, j) => { char[0]![j] = log(0, k); bpChar[0]![j] = -2; });
  for (let t = 1; t < T; t++) {
    const nextChar = ids.map((js) => new Float64Array(js.length).fill(NEG));
    const nextBlank = new Float64Array(L + 1).fill(NEG);
    const lb = log(t, blank);
    nextBlank[0] = blankAfter[0]! + lb;
    bpBlank[t * (L + 1)] = -1;
    // Positions beyond what t frames can hold stay unreachable: i ≤ t.
    for (let i = 0; i < Math.min(L, t + 1); i++) {
      const js = ids[i]!, prevJs = i > 0 ? ids[i - 1]! : [];
      const prevChar = i > 0 ? char[i - 1]! : null;
      // The two best characters of position i-1 (a repeat of the same character needs a blank between).
      let b1 = -1, b2 = -1;
      if (prevChar) for (let j = 0; j < prevJs.length; j++) {
        if (b1 < 0 || prevChar[j]! > prevChar[b1]!) { b2 = b1; b1 = j; } else if (b2 < 0 || prevChar[j]! > prevChar[b2]!) b2 = j;
      }
      for (let j = 0; j < js.length; j++) {
        const k = js[j]!;
        let best = char[i]![j]!, bp = -1;
        if (blankAfter[i]! > best) { best = blankAfter[i]!; bp = -2; }
        if (prevChar) {
          const other = b1 >= 0 && prevJs[b1] !== k ? b1 : b2;
          if (other >= 0 && prevChar[other]! > best) { best = prevChar[other]!; bp = other; }
        }
        if (best > NEG) { nextChar[i]![j] = best + log(t, k); bpChar[i]![t * js.length + j] = bp; }
      }
      let bestB = blankAfter[i + 1]!, bpB = -1;
      for (let j = 0; j < js.length; j++) if (char[i]![j]! > bestB) { bestB = char[i]![j]!; bpB = j; }
      if (bestB > NEG) { nextBlank[i + 1] = bestB + lb; bpBlank[t * (L + 1) + i + 1] = bpB; }
    }
    char = nextChar;
    blankAfter = nextBlank;
  }
  // Best end state, then walk back to find which frames emitted each position.
  let state: { blank: boolean; i: number; j: number } = { blank: true, i: L, j: -1 };
  let best = blankAfter[L]!;
  char[L - 1]!.forEach((v, j) => { if (v > best) { best = v; state = { blank: false, i: L - 1, j }; } });
  if (best === NEG) return null;
  const spans: Array<{ char: string; k: number; from: number; to: number }> = Array.from({ length: L }, () => ({ char: '', k: -1, from: T, to: -1 }));
  for (let t = T - 1; t >= 0; t--) {
    if (state.blank) {
      const bp = bpBlank[t * (L + 1) + state.i]!;
      if (t > 0 && bp >= 0) state = { blank: false, i: state.i - 1, j: bp };
      continue;
    }
    const { i, j } = state;
    const k = ids[i]![j]!;
    const span = spans[i]!;
    span.char = alphabet[k]!; span.k = k; span.from = t; if (span.to < 0) span.to = t;
    if (t === 0) break;
    const bp = bpChar[i]![t * ids[i]!.length + j]!;
    if (bp === -2) state = { blank: true, i, j: -1 };
    else if (bp >= 0) state = { blank: false, i: i - 1, j: bp };
  }
  return describe(lp, spans, best);
}

/** Confidence and alternatives of each emitted character, from the frames that emitted it. */
function describe(lp: LineProbs, spans: Array<{ char: string; k: number; from: number; to: number }>, logProb: number): DecodedLine {
  const { probs, classes, blank, alphabet } = lp;
  const confidence: number[] = [];
  const alternatives: DecodedLine['alternatives'] = [];
  for (const s of spans) {
    const peak = new Float64Array(classes);
    // One frame either side too: a neighbouring frame often carries a lookalike's probability.
    for (let t = Math.max(0, s.from - 1); t <= Math.min(lp.frames - 1, s.to + 1); t++) {
      for (let c = 0; c < classes; c++) if (probs[t * classes + c]! > peak[c]!) peak[c] = probs[t * classes + c]!;
    }
    let own = 0;
    for (let t = s.from; t <= s.to; t++) own = Math.max(own, probs[t * classes + s.k]!);
    confidence.push(own);
    const alts: Array<[string, number]> = [];
    for (let c = 0; c < classes; c++) if (c !== blank && c !== s.k && peak[c]! >= MIN_ALTERNATIVE) alts.push([alphabet[c]!, peak[c]!]);
    alternatives.push(alts.sort((a, b) => b[1] - a[1]));
  }
  return { text: spans.map((s) => s.char).join(''), confidence, alternatives, logProb };
}
