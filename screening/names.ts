import anyAscii from 'any-ascii';
import { doubleMetaphone } from 'double-metaphone';

/**
 * Name normalisation for screening: any script to ASCII (any-ascii), lower case, punctuation and
 * hyphens to spaces, titles and name particles dropped. Order is kept here; comparisons sort.
 */
const TITLES = new Set(
  ('mr mrs ms miss mx dr prof professor sir dame lord lady sheikh shaikh sheik cheikh haji hajji hadji alhaj alhaji ' +
    'mullah imam ayatollah general gen colonel col major maj captain capt lieutenant lt sergeant sgt admiral ' +
    'president minister senator hon honourable honorable rev reverend father jr sr junior senior ii iii iv ' +
    'herr frau madame mme mlle monsieur senor senora don dona').split(' '),
);
/** Particles that transliterations attach, detach or drop at will ("al-Hassan", "bin", "van der"). */
const PARTICLES = new Set('al el bin ibn bint ben abd van von der den de da del della di du dos das la le'.split(' '));

export interface NameToken {
  text: string;
  /** Double Metaphone codes (primary, and secondary when it differs). */
  codes: string[];
}

export function nameTokens(raw: string): string[] {
  const words = anyAscii(raw)
    .toLowerCase()
    .replace(/['’`]/g, '') // O'Neil → oneil
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .filter((w) => !TITLES.has(w));
  const kept = words.filter((w) => !PARTICLES.has(w));
  return kept.length ? kept : words; // a name made only of particles keeps them
}

export function phoneticCodes(token: string): string[] {
  if (/^[0-9]+$/.test(token)) return [token];
  const [primary, secondary] = doubleMetaphone(token);
  const codes = [primary || token];
  if (secondary && secondary !== primary) codes.push(secondary);
  return codes;
}

export const toTokens = (raw: string): NameToken[] => nameTokens(raw).map((text) => ({ text, codes: phoneticCodes(text) }));

/** The name's tokens sorted, joined: the form equal names share whatever their word order. */
export const sortedName = (raw: string): string => nameTokens(raw).sort().join(' ');
