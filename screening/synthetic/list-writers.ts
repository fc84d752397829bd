import { countryName } from './country-name.js';
import type { FictionalPerson } from './fictional-list.js';

/** Generated people written in the lists' real formats, so the parsers read what operators download. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One OpenSanctions FollowTheMoney entity line (`entities.ftm.json`). */
export function ftmLine(p: FictionalPerson, dataset = 'fictional_sanctions'): string {
  const e = p.entry;
  return JSON.stringify({
    id: e.id.replace(/^opensanctions:/, ''),
    caption: e.names[0],
    schema: 'Person',
    properties: {
      name: [e.names[0]],
      alias: e.names.slice(1),
      firstName: [p.given],
      lastName: [p.surname],
      birthDate: e.birthDates,
      nationality: e.nationalities.map((c) => c.toLowerCase()),
      topics: e.topics,
    },
    datasets: [dataset],
    referents: [],
    target: true,
    first_seen: '2024-01-01T00:00:00',
    last_seen: '2024-01-01T00:00:00',
  });
}

function ofacDate(date: string): string {
  const [y, m, d] = date.split('-');
  if (d) return `${d} ${MONTHS[Number(m) - 1]} ${y}`;
  if (m) return `${MONTHS[Number(m) - 1]} ${y}`;
  return y!;
}

/** An OFAC `sdn.xml` holding the people (as Individuals) and `entities` (as Entity records). */
export function ofacSdnXml(people: FictionalPerson[], publishDate: string, entities: string[] = []): string {
  const [y, m, d] = publishDate.split('-');
  const rows = people.map((p, i) => {
    const uid = Number(p.entry.id.split(':')[1]);
    const akas = p.entry.names.slice(1).map((name, j) => {
      const [last, first] = name.includes(',') ? name.split(',').map((s) => s.trim()) : [name, ''];
      return `<aka><uid>${uid * 10 + j}</uid><type>a.k.a.</type><category>strong</category>${first ? `<firstName>${xml(first)}</firstName>` : ''}<lastName>${xml(last!)}</lastName></aka>`;
    });
    const first = [p.given, p.middle].filter(Boolean).map((w) => w!.charAt(0).toUpperCase() + w!.slice(1)).join(' ');
    return `<sdnEntry><uid>${uid}</uid><firstName>${xml(first)}</firstName><lastName>${xml(p.surname.toUpperCase())}</lastName><sdnType>Individual</sdnType>` +
      `<programList><program>${p.entry.programs[0] ?? 'FICTIONAL'}</program></programList>` +
      (akas.length ? `<akaList>${akas.join('')}</akaList>` : '') +
      (p.entry.nationalities.length ? `<nationalityList><nationality><uid>${i}</uid><country>${countryName(p.entry.nationalities[0]!)}</country><mainEntry>true</mainEntry></nationality></nationalityList>` : '') +
      (p.entry.birthDates.length ? `<dateOfBirthList><dateOfBirthItem><uid>${i}</uid><dateOfBirth>${ofacDate(p.entry.birthDates[0]!)}</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>` : '') +
      `</sdnEntry>`;
  });
  const companies = entities.map((name, i) => `<sdnEntry><uid>${900000 + i}</uid><lastName>${xml(name)}</lastName><sdnType>Entity</sdnType><programList><program>FICTIONAL</program></programList></sdnEntry>`);
  return `<?xml version="1.0" standalone="yes"?>\n<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">\n` +
    `<publshInformation><Publish_Date>${m}/${d}/${y}</Publish_Date><Record_Count>${rows.length + companies.length}</Record_Count></publshInformation>\n` +
    [...rows, ...companies].join('\n') + '\n</sdnList>\n';
}
