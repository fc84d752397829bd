import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openListFile, sourceOfPath } from '../../../screening/lists/read-list-file.js';
import { parseOfacDate, parseOfacSdnXml } from '../../../screening/lists/ofac-sdn-xml.js';
import { ListFormatError, readFtmEntities } from '../../../screening/lists/opensanctions.js';
import type { ListEntry } from '../../../screening/entry.js';

const devList = (name: string) => fileURLToPath(new URL(`../../../screening/lists/dev/${name}`, import.meta.url));
const collect = async (it: AsyncIterable<ListEntry>) => { const out: ListEntry[] = []; for await (const e of it) out.push(e); return out; };

describe('OpenSanctions FollowTheMoney lines', () => {
  it('reads person targets with aliases, dates, nationalities and topics; skips companies and non-targets', async () => {
    const lines = [
      { id: 'fx-1', schema: 'Person', target: true, datasets: ['ds_a'], properties: { name: ['Ivan Sidorenko'], alias: ['Иван Сидоренко', 'Ivan Sydorenko'], weakAlias: ['Vanya'], birthDate: ['1971-04-02', '1971'], nationality: ['ru'], citizenship: ['by'], topics: ['sanction'] } },
      { id: 'fx-2', schema: 'Company', target: true, properties: { name: ['Acme Fictional'] } },
      { id: 'fx-3', schema: 'Person', target: false, properties: { name: ['A Relative'] } },
      { id: 'fx-4', schema: 'Person', target: true, properties: { name: [], alias: [] } },
    ].map((l) => JSON.stringify(l)).join('\n');
    const entries = await collect(readFtmEntities(Readable.from([lines, '\n\n'])));
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0], {
      id: 'opensanctions:fx-1', source: 'opensanctions', names: ['Ivan Sidorenko', 'Иван Сидоренко', 'Ivan Sydorenko'],
      birthDates: ['1971-04-02', '1971'], nationalities: ['RU', 'BY'], topics: ['sanction'], programs: ['ds_a'],
    });
  });

  it('names the line that is not a JSON entity', async () => {
    const input = Readable.from(['{"id":"a","schema":"Person","properties":{"name":["A B"]}}\n', '{broken\n']);
    await assert.rejects(collect(readFtmEntities(input)), (err: unknown) => err instanceof ListFormatError && /line 2/.test(err.message));
    await assert.rejects(collect(readFtmEntities(Readable.from(['[1,2]\n']))), /line 1 is not a FollowTheMoney entity/);
  });

  it('reads the shipped fictional list', async () => {
    const file = await openListFile(devList('opensanctions-fictional.ftm.json'));
    assert.equal(file.source, 'opensanctions');
    assert.match(file.checksum, /^[0-9a-f]{64}$/);
    const entries = await collect(file.entries());
    assert.equal(entries.length, 150, 'the company and the relative are skipped');
    assert.ok(entries.every((e) => e.names.length >= 1 && e.id.startsWith('opensanctions:')));
    assert.ok(entries.some((e) => e.names.some((n) => /[а-я]/i.test(n))), 'aliases in Cyrillic survive');
  });
});

describe('OFAC SDN XML', () => {
  it('parses OFAC date forms into partial ISO dates', () => {
    assert.deepEqual(parseOfacDate('12 Jan 1962'), ['1962-01-12']);
    assert.deepEqual(parseOfacDate('Jan 1962'), ['1962-01']);
    assert.deepEqual(parseOfacDate('circa 1962'), ['1962']);
    assert.deepEqual(parseOfacDate('1960 to 1962'), ['1960', '1961', '1962']);
    assert.deepEqual(parseOfacDate('sometime'), []);
  });

  it('reads individuals with strong a.k.a.s (not weak ones), dates, nationality names and programmes', () => {
    const xml = `<?xml version="1.0"?><sdnList xmlns="http://tempuri.org/sdnList.xsd">
      <publshInformation><Publish_Date>02/29/2024</Publish_Date><Record_Count>2</Record_Count></publshInformation>
      <sdnEntry><uid>101</uid><firstName>Karim Nasser</firstName><lastName>HADDAD</lastName><sdnType>Individual</sdnType>
        <programList><program>SDGT</program><program>IRAQ2</program></programList>
        <akaList><aka><uid>1</uid><type>a.k.a.</type><category>strong</category><firstName>Kareem</firstName><lastName>AL-HADDAD</lastName></aka>
                 <aka><uid>2</uid><type>a.k.a.</type><category>weak</category><lastName>ABU KARIM</lastName></aka></akaList>
        <nationalityList><nationality><uid>3</uid><country>Iraq</country><mainEntry>true</mainEntry></nationality></nationalityList>
        <citizenshipList><citizenship><uid>4</uid><country>Syria</country></citizenship></citizenshipList>
        <dateOfBirthList><dateOfBirthItem><uid>5</uid><dateOfBirth>03 Feb 1966</dateOfBirth></dateOfBirthItem><dateOfBirthItem><uid>6</uid><dateOfBirth>1967</dateOfBirth></dateOfBirthItem></dateOfBirthList>
      </sdnEntry>
      <sdnEntry><uid>102</uid><lastName>FICTIONAL TRADING LLC</lastName><sdnType>Entity</sdnType></sdnEntry>
    </sdnList>`;
    const list = parseOfacSdnXml(xml);
    assert.equal(list.publishedAt, '2024-02-29');
    assert.deepEqual(list.entries, [{
      id: 'ofac-sdn:101', source: 'ofac-sdn', names: ['Karim Nasser HADDAD', 'Kareem AL-HADDAD'], birthDates: ['1966-02-03', '1967'],
      nationalities: ['IQ', 'SY'], topics: ['sanction'], programs: ['SDGT', 'IRAQ2'],
    }]);
  });

  it('refuses what is not an SDN list', () => {
    assert.throws(() => parseOfacSdnXml('<html><body>nope</body></html>'), ListFormatError);
    assert.throws(() => parseOfacSdnXml('<sdnList><sdnEntry>'), ListFormatError);
  });

  it('reads the shipped fictional list; picks the format from the file name', async () => {
    assert.equal(sourceOfPath('/x/sdn.xml'), 'ofac-sdn');
    assert.equal(sourceOfPath('/x/entities.ftm.json'), 'opensanctions');
    assert.throws(() => sourceOfPath('/x/list.pdf'), ListFormatError);
    const file = await openListFile(devList('ofac-sdn-fictional.xml'));
    assert.equal(file.publishedAt, '2024-03-01');
    const entries = await collect(file.entries());
    assert.equal(entries.length, 100, 'the entity record is skipped');
    assert.ok(entries.filter((e) => e.birthDates.length).length > 70);
    assert.ok(entries.filter((e) => e.nationalities.length).length > 60);
  });
});
