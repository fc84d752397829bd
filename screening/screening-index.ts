import type { ListEntry, ScreeningHit, ScreeningSubject } from './entry.js';
import { toAlpha2 } from './countries.js';
import { birthDateEvidence, nationalityEvidence } from './evidence.js';
import { toTokens, type NameToken } from './names.js';
import { compareNames } from './similarity.js';

export interface ScreenOptions {
  /** A hit scores at least this (name similarity with the evidence applied). */
  threshold: number;
  /** At most this many hits, best first. */
  limit?: number;
}

/** Below this name similarity nothing is a hit, whatever birth date and nationality say. */
export const NAME_FLOOR = 0.8;
/** How many aliases, ranked by the rare keys they share with the subject, are compared in full. */
const CANDIDATES = 64;
/** Candidates whose shared-key weight is at least this share of the best one's. */
const NEAR_BEST = 0.5;

interface Alias {
  entry: number;
  name: string;
  tokens: NameToken[];
}

/**
 * Retrieval keys of one name token: the token, its Double Metaphone codes, and (four letters or
 * more) the token with one letter deleted, so any single typo still shares a key (SymSpell's idea).
 */
export function tokenKeys(token: NameToken): string[] {
  // The token and its deletions share one key space: "raal" meets "rqaal" (an added letter) and
  // "komir" meets "kormir" (a dropped one); a changed letter meets at the same deletion.
  const keys = [`w:${token.text}`, ...token.codes.map((c) => `m:${c}`)];
  if (token.text.length >= 4) for (let i = 0; i < token.text.length; i++) keys.push(`w:${token.text.slice(0, i)}${token.text.slice(i + 1)}`);
  return keys;
}


/**
 * An in-memory index of list entries for screening people. Candidates are retrieved from an
 * inverted index of name-token keys (tokenKeys), ranked by the summed rarity
 * (IDF) of the keys they share with the subject — so common names pull in few — and the best are
 * compared in full (compareNames), then moved by birth-date and nationality evidence.
 */
export class ScreeningIndex {
  private readonly entries: ListEntry[] = [];
  private readonly aliases: Alias[] = [];
  private readonly postings = new Map<string, number[]>();
  private acc = new Float64Array(0);
  private stamp = new Int32Array(0);
  private stampNo = 0;

  /** 0..1 from how many aliases hold the word (its IDF over the largest possible). */
  private rarityCache = new Map<string, number>();
  private readonly rarity = (token: NameToken): number => {
    let r = this.rarityCache.get(token.text);
    if (r === undefined) {
      const total = this.aliases.length;
      const df = this.postings.get(`w:${token.text}`)?.length ?? 1;
      r = Math.log(1 + total / df) / Math.log(1 + total);
      this.rarityCache.set(token.text, r);
    }
    return r;
  };

  /** A word held whole by at least 1 in 5,000 aliases (and 5): an established name of its own. */
  private readonly known = (token: NameToken): boolean =>
    token.text.length > 1 && (this.postings.get(`w:${token.text}`)?.length ?? 0) >= Math.max(5, this.aliases.length / 5_000);

  get size(): number {
    return this.entries.length;
  }

  add(entry: ListEntry): void {
    const index = this.entries.push(entry) - 1;
    if (this.rarityCache.size) this.rarityCache = new Map(); // word frequencies move as entries arrive
    const seen = new Set<string>();
    for (const name of entry.names) {
      const tokens = toTokens(name);
      const sorted = tokens.map((t) => t.text).sort().join(' ');
      if (!tokens.length || seen.has(sorted)) continue; // the same alias in two scripts or orders
      seen.add(sorted);
      const aliasId = this.aliases.push({ entry: index, name, tokens }) - 1;
      for (const key of new Set([...tokens.flatMap(tokenKeys)])) {
        let list = this.postings.get(key);
        if (!list) this.postings.set(key, (list = []));
        list.push(aliasId);
      }
    }
  }

  screen(subject: ScreeningSubject, { threshold, limit = 10 }: ScreenOptions): ScreeningHit[] {
    const query = toTokens(subject.name);
    if (!query.length) return [];
    const nationality = toAlpha2(subject.nationality);
    const best = new Map<number, ScreeningHit>();
    for (const aliasId of this.candidates(query, subject.birthDate?.slice(0, 4) ?? null, nationality)) {
      const alias = this.aliases[aliasId]!;
      const names = compareNames(query, alias.tokens, this.rarity, false, this.known);
      if (names.score < NAME_FLOOR) continue;
      const entry = this.entries[alias.entry]!;
      const dob = birthDateEvidence(subject.birthDate, entry.birthDates);
      const nat = nationalityEvidence(nationality, entry.nationalities);
      const score = round(Math.min(1, Math.max(0, names.score + dob.adjustment + nat.adjustment)));
      if (score < threshold) continue;
      const previous = best.get(alias.entry);
      if (previous && previous.score >= score) continue;
      const explained = compareNames(query, alias.tokens, this.rarity, true, this.known);
      best.set(alias.entry, {
        entryId: entry.id,
        source: entry.source,
        entryName: entry.names[0]!,
        matchedAlias: alias.name,
        score,
        nameScore: round(names.score),
        reasons: [`name ${round(names.score)} on "${alias.name}" (${explained.pairs.join(', ')}${explained.unpaired ? `; ${explained.unpaired} word(s) unpaired` : ''})`, ...dob.reasons, ...nat.reasons],
        topics: entry.topics,
        programs: entry.programs,
      });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.entryId.localeCompare(b.entryId)).slice(0, limit);
  }

  /**
   * Aliases sharing the rarest keys with the query, best first; each query token counts once per
   * alias. Among those near the best, a shared birth year or nationality breaks ties (among many
   * "Li Wei", the one born the same year comes first).
   */
  private candidates(query: NameToken[], birthYear: string | null, nationality: string | null): number[] {
    const total = this.aliases.length;
    if (this.acc.length < total) {
      this.acc = new Float64Array(total * 2);
      this.stamp = new Int32Array(total * 2);
    }
    const { acc, stamp } = this;
    const touched: number[] = [];
    let max = 0;
    for (const token of query) {
      const mark = ++this.stampNo;
      // Rarest key first: an alias matched by several keys of one token gets the best credit.
      const lists = tokenKeys(token).map((k) => this.postings.get(k)).filter((l): l is number[] => !!l).sort((a, b) => a.length - b.length);
      for (const list of lists) {
        const idf = Math.log(1 + total / list.length);
        for (const aliasId of list) {
          if (stamp[aliasId] === mark) continue;
          stamp[aliasId] = mark;
          if (acc[aliasId] === 0) touched.push(aliasId);
          if ((acc[aliasId]! += idf) > max) max = acc[aliasId]!;
        }
      }
    }
    const near: number[] = [];
    for (const id of touched) {
      if (acc[id]! >= max * NEAR_BEST) {
        const entry = this.entries[this.aliases[id]!.entry]!;
        if (birthYear && entry.birthDates.some((d) => d.startsWith(birthYear))) acc[id]! += 1;
        if (nationality && entry.nationalities.includes(nationality)) acc[id]! += 0.5;
        near.push(id);
      } else acc[id] = 0;
    }
    const chosen = near.length > CANDIDATES ? near.sort((a, b) => acc[b]! - acc[a]!).slice(0, CANDIDATES) : near;
    for (const id of near) acc[id] = 0;
    return chosen;
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
