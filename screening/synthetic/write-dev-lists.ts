// `npm run screening:dev-lists`: writes the small fictional lists the tests and the dev stack load,
// in the real formats (OpenSanctions FollowTheMoney lines, OFAC sdn.xml). Reproducible: fixed seeds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fictionalPeople } from './fictional-list.js';
import { ftmLine, ofacSdnXml } from './list-writers.js';

const dir = new URL('../lists/dev/', import.meta.url);
mkdirSync(dir, { recursive: true });

const os = fictionalPeople(150, 11, 'opensanctions');
// Lines the reader must skip: a company, and a relative who is not a target.
const skipped = [
  JSON.stringify({ id: 'fx-company-1', schema: 'Company', properties: { name: ['Fictional Holdings Ltd'] }, datasets: ['fictional_sanctions'], target: true }),
  JSON.stringify({ id: 'fx-relative-1', schema: 'Person', properties: { name: ['Relative Of Someone'] }, datasets: ['fictional_peps'], target: false }),
];
writeFileSync(new URL('opensanctions-fictional.ftm.json', dir), [...os.map((p) => ftmLine(p)), ...skipped].join('\n') + '\n');

const ofac = fictionalPeople(100, 12, 'ofac-sdn');
writeFileSync(new URL('ofac-sdn-fictional.xml', dir), ofacSdnXml(ofac, '2024-03-01', ['FICTIONAL SHIPPING CO']));
console.log(`wrote ${os.length} + ${ofac.length} fictional people to ${dir.pathname}`);
