import type { ListEntry, ListSource } from '../entry.js';
import { ROMANISATIONS, TRADITIONS, toCyrillic, type NamingTradition } from './name-pools.js';
import { chance, pick, seededRandom } from './random.js';

/** A generated listed person: the parts evaluation variants are made from. */
export interface FictionalPerson {
  entry: ListEntry;
  tradition: NamingTradition;
  given: string;
  middle: string | null;
  surname: string;
  /** The person's full birth date (the entry may show only the year, or none). */
  trueBirthDate: string;
  nationality: string;
}

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const pad = (n: number): string => String(n).padStart(2, '0');

export function randomBirthDate(random: () => number, from = 1940, to = 2002): string {
  return `${from + Math.floor(random() * (to - from + 1))}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
}

function madeUpSurname(random: () => number, t: NamingTradition): string {
  const parts = 2 + (chance(random, 0.35) ? 1 : 0);
  return Array.from({ length: parts }, () => pick(random, t.syllables)).join('');
}

/** The name in another romanisation of its tradition (unchanged when no rule applies). */
export function romanise(name: string, tradition: string): string {
  return (ROMANISATIONS[tradition] ?? []).reduce((s, [re, to]) => s.replace(re, to), name.toLowerCase());
}

/**
 * `count` fictional listed people, reproducible from `seed`: given names from common pools,
 * surnames made up (90 %) or common (10 %), a middle name for a third, made-up birth dates
 * (full for most, a year or nothing for some), aliases in Cyrillic script, in another romanisation
 * and surname-first, as real lists carry them.
 */
export function fictionalPeople(count: number, seed: number, source: ListSource = 'opensanctions'): FictionalPerson[] {
  const random = seededRandom(seed);
  const people: FictionalPerson[] = [];
  for (let i = 0; i < count; i++) {
    const t = pick(random, TRADITIONS);
    const given = pick(random, t.given);
    const middle = chance(random, 0.33) ? pick(random, t.given.filter((g) => g !== given)) : null;
    const surname = chance(random, 0.9) ? madeUpSurname(random, t) : pick(random, t.surnames);
    const trueBirthDate = randomBirthDate(random);
    const nationality = pick(random, t.countries);
    const full = [given, middle, surname].filter(Boolean).map((w) => cap(w!)).join(' ');
    const names = [full];
    if (t.name === 'russian') names.push(toCyrillic(full));
    const other = romanise(full, t.name);
    if (chance(random, 0.3) && other !== full.toLowerCase()) names.push(other.split(' ').map(cap).join(' '));
    if (chance(random, 0.2)) names.push(`${surname.toUpperCase()}, ${cap(given)}`);
    const dobShown = random();
    people.push({
      entry: {
        // OFAC uids are numbers; OpenSanctions ids are strings.
        id: source === 'ofac-sdn' ? `${source}:${seed * 1_000_000 + i}` : `${source}:fx-${seed}-${i}`,
        source,
        names,
        birthDates: dobShown < 0.75 ? [trueBirthDate] : dobShown < 0.87 ? [trueBirthDate.slice(0, 4)] : [],
        nationalities: chance(random, 0.8) ? [nationality] : [],
        topics: [chance(random, 0.7) ? 'sanction' : 'role.pep'],
        programs: [chance(random, 0.5) ? 'FICTIONAL-A' : 'FICTIONAL-B'],
      },
      tradition: t,
      given,
      middle,
      surname,
      trueBirthDate,
      nationality,
    });
  }
  return people;
}
