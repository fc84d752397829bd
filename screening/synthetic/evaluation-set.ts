import type { ScreeningSubject } from '../entry.js';
import { fictionalPeople, randomBirthDate, romanise, type FictionalPerson } from './fictional-list.js';
import { TRADITIONS, toCyrillic } from './name-pools.js';
import { chance, pick, seededRandom } from './random.js';

export const VARIANTS = ['exact', 'typo', 'transliteration', 'swapped order', 'missing middle name', 'added title'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface EvaluationCase {
  subject: ScreeningSubject;
  /** The listed entry this person is, or null for someone not on the list. */
  expected: string | null;
  kind: Variant | 'common name, not listed' | 'namesake, other birth date';
}

const TITLES = ['Dr.', 'Mr', 'Mrs.', 'Sheikh', 'General', 'Prof.', 'Haji', 'Colonel'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];

/** One keyboard-or-ear slip in one word of four letters or more: swap, drop, add or change a letter. */
function typo(random: () => number, name: string): string {
  const words = name.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 4);
  if (!long.length) return name;
  const [word, at] = pick(random, long);
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = Math.floor(random() * 4);
  const changed =
    kind === 0 ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
    : kind === 1 ? word.slice(0, i) + word.slice(i + 1)
    : kind === 2 ? word.slice(0, i) + pick(random, LETTERS) + word.slice(i)
    : word.slice(0, i) + pick(random, LETTERS.filter((l) => l !== word[i])) + word.slice(i + 1);
  words[at] = changed;
  return words.join(' ');
}

function variantName(random: () => number, p: FictionalPerson, variant: Variant): string {
  const full = [p.given, p.middle, p.surname].filter(Boolean).join(' ');
  switch (variant) {
    case 'exact': return full;
    case 'typo': return typo(random, full);
    case 'transliteration': {
      // The list holds one romanisation; the document another, or the name in its own script.
      if (p.tradition.name === 'russian' && chance(random, 0.5)) return toCyrillic(full);
      const other = romanise(full, p.tradition.name);
      return other !== full ? other : typo(random, full);
    }
    case 'swapped order': return `${p.surname} ${[p.given, p.middle].filter(Boolean).join(' ')}`;
    case 'missing middle name': return `${p.given} ${p.surname}`;
    case 'added title': return `${pick(random, TITLES)} ${full}`;
  }
}

/**
 * A labelled set: `perVariant` listed people under each variant (their true birth date and
 * nationality, as their document would give them), and `commonNames` people with common names
 * who are not on the list (no listed person has their given name and surname).
 */
export function evaluationSet(list: FictionalPerson[], perVariant: number, commonNames: number, seed: number): EvaluationCase[] {
  const random = seededRandom(seed);
  const cases: EvaluationCase[] = [];
  const withMiddle = list.filter((p) => p.middle);
  for (const variant of VARIANTS) {
    for (let i = 0; i < perVariant; i++) {
      const p = pick(random, variant === 'missing middle name' ? withMiddle : list);
      cases.push({
        subject: { name: variantName(random, p, variant), birthDate: p.trueBirthDate, nationality: p.nationality },
        expected: p.entry.id,
        kind: variant,
      });
    }
  }
  // A common name is a namesake when a listed person's name holds its surname and a given name of it.
  const listedPairs = new Set(list.flatMap((p) => {
    const words = [p.given, p.middle, p.surname].filter((w): w is string => !!w);
    return words.flatMap((a) => words.filter((b) => b !== a).map((b) => `${a} ${b}`));
  }));
  const wanted = VARIANTS.length * perVariant + commonNames;
  let namesakes = 0;
  while (cases.length < wanted + namesakes) {
    const t = pick(random, TRADITIONS);
    const given = pick(random, t.given);
    const surname = pick(random, t.surnames);
    const middle = chance(random, 0.2) ? `${pick(random, t.given)} ` : '';
    const namesake = [given, middle.trim()].some((w) => w && listedPairs.has(`${w} ${surname}`));
    cases.push({
      subject: { name: `${given} ${middle}${surname}`, birthDate: randomBirthDate(random), nationality: pick(random, t.countries) },
      expected: null,
      kind: namesake ? 'namesake, other birth date' : 'common name, not listed',
    });
    if (namesake) namesakes++;
  }
  return cases;
}

export { fictionalPeople };
