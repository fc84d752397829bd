import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ListEntry } from '../entry.js';
import { toAlpha2 } from '../countries.js';

/**
 * OpenSanctions' FollowTheMoney entity files (`entities.ftm.json`: one JSON entity per line). Only
 * `Person` targets are screened against; relatives and associates (target: false), companies and
 * vessels are skipped. Weak aliases are left out, as the publishers advise.
 */
interface FtmEntity {
  id?: unknown;
  schema?: unknown;
  target?: unknown;
  datasets?: unknown;
  properties?: Record<string, unknown>;
}

export class ListFormatError extends Error {
  override name = 'ListFormatError';
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : []);

export function ftmEntityToEntry(entity: FtmEntity): ListEntry | null {
  if (entity.schema !== 'Person' || entity.target === false || typeof entity.id !== 'string') return null;
  const p = entity.properties ?? {};
  const names = [...new Set([...strings(p.name), ...strings(p.alias), ...strings(p.previousName)])];
  if (!names.length) return null;
  return {
    id: `opensanctions:${entity.id}`,
    source: 'opensanctions',
    names,
    birthDates: strings(p.birthDate).map((d) => d.slice(0, 10)).filter((d) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(d)),
    nationalities: [...new Set([...strings(p.nationality), ...strings(p.citizenship)].map(toAlpha2).filter((c): c is string => !!c))],
    topics: strings(p.topics),
    programs: strings(entity.datasets),
  };
}

/** Reads entries one line at a time (a full export is a few GB); a malformed line fails naming it. */
export async function* readFtmEntities(input: Readable): AsyncGenerator<ListEntry> {
  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (!line.trim()) continue;
    let entity: FtmEntity;
    try {
      entity = JSON.parse(line) as FtmEntity;
    } catch {
      throw new ListFormatError(`line ${lineNo} is not a JSON entity`);
    }
    if (typeof entity !== 'object' || entity === null || typeof entity.schema !== 'string') throw new ListFormatError(`line ${lineNo} is not a FollowTheMoney entity (no schema)`);
    const entry = ftmEntityToEntry(entity);
    if (entry) yield entry;
  }
}
