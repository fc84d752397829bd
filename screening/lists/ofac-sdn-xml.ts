import { XMLParser } from 'fast-xml-parser';
import type { ListEntry } from '../entry.js';
import { toAlpha2 } from '../countries.js';
import { ListFormatError } from './opensanctions.js';

/**
 * The US Treasury's OFAC SDN list as `sdn.xml` (schema `sdnList.xsd`). Individuals only; strong
 * a.k.a.s are aliases, weak ones are left out (OFAC calls them too broad to screen against).
 */
const LISTS = ['sdnEntry', 'program', 'aka', 'dateOfBirthItem', 'nationality', 'citizenship'];
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => LISTS.includes(name) });

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** OFAC writes "12 Jan 1962", "Jan 1962", "1962", "circa 1962" or "1960 to 1962"; → partial ISO dates. */
export function parseOfacDate(text: string): string[] {
  const t = text.toLowerCase().replace(/circa|approximately/g, '').trim();
  const range = t.match(/^(\d{4})\s+to\s+(\d{4})$/);
  if (range) {
    const years: string[] = [];
    for (let y = Number(range[1]); y <= Number(range[2]) && years.length < 10; y++) years.push(String(y));
    return years;
  }
  const full = t.match(/^(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{4})$/);
  if (full && MONTHS.includes(full[2]!)) return [`${full[3]}-${pad(MONTHS.indexOf(full[2]!) + 1)}-${pad(Number(full[1]))}`];
  const month = t.match(/^([a-z]{3})[a-z]*\s+(\d{4})$/);
  if (month && MONTHS.includes(month[1]!)) return [`${month[2]}-${pad(MONTHS.indexOf(month[1]!) + 1)}`];
  const year = t.match(/^(\d{4})$/);
  return year ? [year[1]!] : [];
}

/** The parts of `sdnList.xsd` read here, as the parser returns them (every value a string). */
interface SdnList {
  sdnList?: {
    publshInformation?: { Publish_Date?: string };
    sdnEntry?: SdnEntry[];
  };
}
interface SdnName {
  firstName?: string;
  lastName?: string;
}
interface SdnEntry extends SdnName {
  uid?: string;
  sdnType?: string;
  akaList?: { aka?: Array<SdnName & { category?: string }> };
  nationalityList?: { nationality?: Array<{ country?: string }> };
  citizenshipList?: { citizenship?: Array<{ country?: string }> };
  dateOfBirthList?: { dateOfBirthItem?: Array<{ dateOfBirth?: string }> };
  programList?: { program?: string[] };
}

const fullName = (x: SdnName): string => [x.firstName, x.lastName].filter(Boolean).join(' ').trim();

export interface OfacList {
  /** Publish_Date as YYYY-MM-DD, when the file gives it. */
  publishedAt: string | null;
  entries: ListEntry[];
}

export function parseOfacSdnXml(xml: string): OfacList {
  let doc: SdnList;
  try {
    doc = parser.parse(xml, true) as SdnList;
  } catch (err) {
    throw new ListFormatError(`not well-formed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = doc?.sdnList;
  if (!root) throw new ListFormatError('not an OFAC SDN list (no <sdnList> root)');
  const published = String(root.publshInformation?.Publish_Date ?? '').match(/^(\d{2})\/(\d{2})\/(\d{4})$/);
  const entries: ListEntry[] = [];
  for (const e of root.sdnEntry ?? []) {
    if (e.sdnType !== 'Individual' || !e.uid) continue;
    const names = [fullName(e), ...(e.akaList?.aka ?? []).filter((a) => a.category !== 'weak').map(fullName)].filter(Boolean);
    if (!names.length) continue;
    const countries = [...(e.nationalityList?.nationality ?? []), ...(e.citizenshipList?.citizenship ?? [])].map((n) => toAlpha2(n.country));
    entries.push({
      id: `ofac-sdn:${e.uid}`,
      source: 'ofac-sdn',
      names: [...new Set(names)] as string[],
      birthDates: (e.dateOfBirthList?.dateOfBirthItem ?? []).flatMap((d) => parseOfacDate(String(d.dateOfBirth ?? ''))),
      nationalities: [...new Set(countries.filter((c): c is string => !!c))],
      topics: ['sanction'],
      programs: (e.programList?.program ?? []).map(String),
    });
  }
  return { publishedAt: published ? `${published[3]}-${published[1]}-${published[2]}` : null, entries };
}
