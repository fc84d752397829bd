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
 * frames for that many characters. Runs several times per read (each layout length and line
 * window), so the lattice lives in flat typed arrays swapped frame to frame and the logarithms
 * are taken once.
 */
export function constrainedDecode(lp: LineProbs, allowed: string[]): DecodedLine | null {
  const { frames: T, classes: C, blank, alphabet } = lp;
  const L = allowed.length;
  if (T < L) return null;
  const ids = allowed.map((chars) => [...new Set(chars)].map((ch) => alphabet.indexOf(ch)).filter((k) => k >= 0));
  // Position i's characters sit at off[i]..off[i+1] of the flat state arrays.
  const off = new Int32Array(L + 1);
  for (let i = 0; i < L; i++) off[i + 1] = off[i]! + ids[i]!.length;
  const S = off[L]!;
  const klass = Int32Array.from(ids.flat());
  const logp = new Float64Array(T * C);
  for (let x = 0; x < logp.length; x++) logp[x] = Math.log(Math.max(1e-12, lp.probs[x]!));
  const NEG = -Infinity;
  // char[s]: best path whose frame t emits state s (position i, character j); blankAfter[i + 1]:
  // best whose frame t is a blank after position i (blankAfter[0]: before any).
  let char = new Float64Array(S).fill(NEG), nextChar = new Float64Array(S).fill(NEG);
  let blankAfter = new Float64Array(L + 1).fill(NEG), nextBlank = new Float64Array(L + 1).fill(NEG);
  const bpChar = new Int16Array(T * S); // -1 stay, -2 from blank, j' from char j' of i-1
  const bpBlank = new Int16Array(T * (L + 1)); // -1 stay, j from char j of position i
  blankAfter[0] = logp[blank]!;
  for (let s = off[0]!; s < off[1]!; s++) { char[s] = logp[klass[s]!]!; bpChar[s] = -2; }
  for (let t = 1; t < T; t++) {
    const row = t * C, lb = logp[row + blank]!;
    nextBlank[0] = blankAfter[0]! + lb;
    bpBlank[t * (L + 1)] = -1;
    // Positions beyond what t frames can hold stay unreachable: i ≤ t.
    for (let i = 0; i < Math.min(L, t + 1); i++) {
      const from = off[i]!, to = off[i + 1]!;
      // The two best characters of position i-1 (a repeat of the same character needs a blank between).
      let b1 = -1, b2 = -1;
      if (i > 0) for (let s = off[i - 1]!; s < from; s++) {
        if (b1 < 0 || char[s]! > char[b1]!) { b2 = b1; b1 = s; } else if (b2 < 0 || char[s]! > char[b2]!) b2 = s;
      }
      const viaBlank = blankAfter[i]!;
      let bestB = blankAfter[i + 1]!, bpB = -1;
      for (let s = from; s < to; s++) {
        const k = klass[s]!;
        let best = char[s]!, bp = -1;
        if (viaBlank > best) { best = viaBlank; bp = -2; }
        if (i > 0) {
          const other = b1 >= 0 && klass[b1] !== k ? b1 : b2;
          if (other >= 0 && char[other]! > best) { best = char[other]!; bp = other - off[i - 1]!; }
        }
        nextChar[s] = best > NEG ? best + logp[row + k]! : NEG;
        if (best > NEG) bpChar[t * S + s] = bp;
        if (char[s]! > bestB) { bestB = char[s]!; bpB = s - from; }
      }
      nextBlank[i + 1] = bestB > NEG ? bestB + lb : NEG;
      if (bestB > NEG) bpBlank[t * (L + 1) + i + 1] = bpB;
    }
    [char, nextChar] = [nextChar, char];
    [blankAfter, nextBlank] = [nextBlank, blankAfter];
  }
  // Best end state, then walk back to find which frames emitted each position.
  let state: { blank: boolean; i: number; j: number } = { blank: true, i: L, j: -1 };
  let best = blankAfter[L]!;
  for (let s = off[L - 1]!; s < S; s++) if (char[s]! > best) { best = char[s]!; state = { blank: false, i: L - 1, j: s - off[L - 1]! }; }
  if (best === NEG) return null;
  const spans: Array<{ char: string; k: number; from: number; to: number }> = Array.from({ length: L }, () => ({ char: '', k: -1, from: T, to: -1 }));
  for (let t = T - 1; t >= 0; t--) {
    if (state.blank) {
      const bp = bpBlank[t * (L + 1) + state.i]!;
      if (t > 0 && bp >= 0) state = { blank: false, i: state.i - 1, j: bp };
      continue;
    }
    const { i, j } = state;
    const k = klass[off[i]! + j]!;
    const span = spans[i]!;
    span.char = alphabet[k]!; span.k = k; span.from = t; if (span.to < 0) span.to = t;
    if (t === 0) break;
    const bp = bpChar[t * S + off[i]! + j]!;
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
