import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ListEntry } from '../../../screening/entry.js';
import { nameTokens } from '../../../screening/names.js';
import { ScreeningIndex } from '../../../screening/screening-index.js';
import { fictionalPeople } from '../../../screening/synthetic/fictional-list.js';

const THRESHOLD = 0.94;
const entry = (id: string, names: string[], birthDates: string[] = [], nationalities: string[] = []): ListEntry =>
  ({ id: `opensanctions:${id}`, source: 'opensanctions', names, birthDates, nationalities, topics: ['sanction'], programs: ['test'] });

/** A realistic background (5,000 generated people) so rarity and retrieval behave as at scale. */
function indexWith(...listed: ListEntry[]): ScreeningIndex {
  const index = new ScreeningIndex();
  for (const p of fictionalPeople(5_000, 99)) index.add(p.entry);
  for (const e of listed) index.add(e);
  return index;
}

const sidorenko = entry('sid', ['Ivan Petrovich Sidorenko', 'Иван Петрович Сидоренко', 'SIDORENKO, Ivan'], ['1971-04-02'], ['RU']);
const haddad = entry('had', ['Karim Nasser Haddad', 'Kareem al-Haddad'], ['1966'], ['IQ']);
const index = indexWith(sidorenko, haddad);
const hitIds = (name: string, birthDate: string | null = null, nationality: string | null = null) =>
  index.screen({ name, birthDate, nationality }, { threshold: THRESHOLD }).map((h) => h.entryId);

describe('screening matcher', () => {
  it('normalises script, case, punctuation, titles and particles', () => {
    assert.deepEqual(nameTokens('Dr. Иван SIDORENKO-Petrov'), ['ivan', 'sidorenko', 'petrov']);
    assert.deepEqual(nameTokens("Sheikh Kareem al-Haddad O'Neil"), ['kareem', 'haddad', 'oneil']);
  });

  it('finds a listed person under each variant: exact, typo, other script, swapped order, missing middle name, title', () => {
    for (const name of ['Ivan Petrovich Sidorenko', 'Ivan Petrovich Sidorneko', 'Иван Сидоренко', 'SIDORENKO Ivan Petrovich', 'Ivan Sidorenko', 'Colonel Ivan Sidorenko']) {
      assert.deepEqual(hitIds(name, '1971-04-02', 'RUS'), ['opensanctions:sid'], name);
    }
    assert.deepEqual(hitIds('Karim Haddad', '1966-07-30', 'IRQ'), ['opensanctions:had'], 'a year-only list date agrees with a full date');
    assert.deepEqual(hitIds('Kareem Al Haddad', '1966-07-30', null), ['opensanctions:had'], 'the alias, with the particle');
  });

  it('two different established names are not one name misspelt: "Min" is not "Ming"', () => {
    const ming = entry('ming', ['Ming Luo'], ['1980-05-05'], ['CN']);
    const listed = indexWith(ming);
    const ids = (name: string, nationality: string) => listed.screen({ name, birthDate: null, nationality }, { threshold: THRESHOLD }).map((h) => h.entryId);
    assert.deepEqual(ids('Min Luo', 'CN'), [], 'min and ming are both common given names');
    assert.deepEqual(ids('Mnig Luo', 'CN'), ['opensanctions:ming'], 'a typo is not an established name: still a hit');
    assert.deepEqual(ids('Ming Luo', 'CN'), ['opensanctions:ming']);
  });

  it('explains each hit: the alias, the agreeing words and the evidence', () => {
    const [hit] = index.screen({ name: 'Ivan Sidorneko', birthDate: '1971-04-02', nationality: 'RUS' }, { threshold: THRESHOLD });
    assert.equal(hit!.entryName, 'Ivan Petrovich Sidorenko');
    assert.ok(hit!.score >= THRESHOLD && hit!.score <= 1);
    assert.match(hit!.reasons[0]!, /ivan/);
    assert.match(hit!.reasons[0]!, /sidorneko~sidorenko/);
    assert.ok(hit!.reasons.includes('birth date agrees (1971-04-02)'));
    assert.ok(hit!.reasons.includes('nationality agrees (RU)'));
  });

  it('a different birth date keeps a same-named person below the threshold; no date decides nothing either way', () => {
    assert.deepEqual(hitIds('Ivan Petrovich Sidorenko', '1990-01-01', 'RUS'), []);
    const [hit] = index.screen({ name: 'Ivan Petrovich Sidorenko', birthDate: '1990-01-01', nationality: 'RUS' }, { threshold: 0 });
    assert.ok(hit!.reasons.some((r) => /birth date disagrees/.test(r)));
    assert.deepEqual(hitIds('Ivan Petrovich Sidorenko'), ['opensanctions:sid']);
  });

  it('short and partial names do not match a longer listed name on one word', () => {
    assert.deepEqual(hitIds('Ivan', '1971-04-02', 'RUS'), [], 'a first name alone');
    assert.deepEqual(hitIds('Sidorenko', '1971-04-02'), [], 'a surname alone');
    assert.deepEqual(hitIds('Ivan Kuznetsov', '1971-04-02', 'RUS'), [], 'another surname, even with the same birth date');
    assert.deepEqual(hitIds('', '1971-04-02'), []);
    assert.deepEqual(hitIds('Dr. Mr.', null), []);
  });

  it('ranks a listed person above look-alikes and caps the hit count', () => {
    const hits = index.screen({ name: 'Ivan Sidorenko', birthDate: '1971-04-02', nationality: 'RU' }, { threshold: 0.5, limit: 3 });
    assert.ok(hits.length <= 3);
    assert.equal(hits[0]!.entryId, 'opensanctions:sid');
  });
});
