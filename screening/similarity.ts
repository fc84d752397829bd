import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import type { NameToken } from './names.js';

/**
 * How alike two names are, 0..1, from their tokens: each token of the shorter name is paired with
 * its best partner in the other (Jaro-Winkler, or a shared Double Metaphone code), so word order
 * does not matter (a token-sort comparison); tokens left unpaired (a middle name one side lacks,
 * an extra word) cost a little each.
 */
export interface NameComparison {
  score: number;
  /** The token pairs that carried the score, e.g. "petrov~petrow" (only when asked to explain). */
  pairs: string[];
  /** How many tokens of the longer name found no partner. */
  unpaired: number;
}

/**
 * Tokens that sound alike (a shared Double Metaphone code of three or more sounds) and are spelled
 * not too far apart (Muhammad / Mohammed, Husayn / Hussein) are worth this much.
 */
const PHONETIC_EQUAL = 0.9;
const PHONETIC_MIN_SPELLING = 0.75;
/** A word one side lacks costs a little, more for a long (telling) one than for "Li". */
const missingCost = (token: NameToken): number => 0.01 + 0.007 * Math.min(6, token.text.length);
/** Tokens alike below this count their shortfall three times: "Nikolai" is not "Mikhail", nor "Martin" "Morton". */
const WEAK_PAIR = 0.92;
/** A one-word name against a longer one matches too easily ("Ali"): it can never score above this. */
const SINGLE_TOKEN_CAP = 0.8;

export function tokenSimilarity(a: NameToken, b: NameToken): number {
  if (a.text === b.text) return 1;
  let best = jaroWinkler(a.text, b.text);
  if (best < PHONETIC_EQUAL && best >= PHONETIC_MIN_SPELLING && a.codes.some((c) => c.length >= 3 && b.codes.includes(c))) best = PHONETIC_EQUAL;
  // An initial ("J.") stands for any name with that letter.
  if ((a.text.length === 1 || b.text.length === 1) && a.text[0] === b.text[0]) best = Math.max(best, 0.85);
  return best;
}

/** How telling a list-side word is, 0..1 (1 = rare): "Emma" agreeing says less than "Kefomo" agreeing. */
export type Rarity = (token: NameToken) => number;

/**
 * Whether a word is an established name of its own (many list entries carry it as a whole word).
 * Two different established names ("Min" / "Ming", "Oleg" / "Olga") are different people's names,
 * not one name misspelt: their pair is capped at DISTINCT_NAMES.
 */
export type KnownName = (token: NameToken) => boolean;
const DISTINCT_NAMES = 0.88;

/** Spellings of one sound (a shared Double Metaphone code): transliterations, not different names. */
const sameSound = (a: NameToken, b: NameToken): boolean => a.codes.some((c) => b.codes.includes(c));

export function compareNames(query: NameToken[], alias: NameToken[], rarity: Rarity = () => 1, explain = false, known: KnownName = () => false): NameComparison {
  if (!query.length || !alias.length) return { score: 0, pairs: [], unpaired: query.length + alias.length };
  const queryShorter = query.length <= alias.length;
  const [short, long] = queryShorter ? [query, alias] : [alias, query];
  const cols = long.length;
  const sims = new Float64Array(short.length * cols);
  for (let i = 0; i < short.length; i++) {
    for (let j = 0; j < cols; j++) {
      let sim = tokenSimilarity(short[i]!, long[j]!);
      if (sim < 1 && sim > DISTINCT_NAMES && known(short[i]!) && known(long[j]!) && !sameSound(short[i]!, long[j]!)) sim = DISTINCT_NAMES;
      sims[i * cols + j] = sim;
    }
  }
  // Greedy assignment, best pair first (names have a handful of words: no need for Hungarian).
  const partnerOf = new Int8Array(short.length).fill(-1);
  const taken = new Uint8Array(cols);
  let weighted = 0;
  let weights = 0;
  for (let round = 0; round < short.length; round++) {
    let bi = -1, bj = -1, best = -1;
    for (let i = 0; i < short.length; i++) {
      if (partnerOf[i] !== -1) continue;
      for (let j = 0; j < cols; j++) if (!taken[j] && sims[i * cols + j]! > best) { best = sims[i * cols + j]!; bi = i; bj = j; }
    }
    partnerOf[bi] = bj;
    taken[bj] = 1;
    // Longer and rarer words say more about identity than "Li" or "Emma".
    const listed = queryShorter ? long[bj]! : short[bi]!;
    const weight = Math.min(6, Math.max(short[bi]!.text.length, long[bj]!.text.length)) * (0.25 + 0.75 * rarity(listed));
    weighted += (best - 2 * Math.max(0, WEAK_PAIR - best)) * weight;
    weights += weight;
  }
  let score = weighted / weights;
  for (let j = 0; j < cols; j++) if (!taken[j]) score -= missingCost(long[j]!);
  if (short.length === 1 && cols > 1) score = Math.min(score, SINGLE_TOKEN_CAP);
  // Names run together ("Zhangwei" / "Zhang Wei") compare as one word too, in either order.
  if (short.length !== cols) {
    const s = short.map((t) => t.text).join('');
    const l = long.map((t) => t.text).join('');
    const joined = Math.max(jaroWinkler(s, l), jaroWinkler(s, [...long].reverse().map((t) => t.text).join('')));
    if (s.length >= 0.8 * l.length && joined > score) score = joined;
  }
  const pairs = explain
    ? [...partnerOf].map((j, i) => (sims[i * cols + j] === 1 ? short[i]!.text : `${short[i]!.text}~${long[j]!.text}`))
    : [];
  return { score: Math.max(0, score), pairs, unpaired: cols - short.length };
}
