import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ListEntry, ListSource } from '../entry.js';
import { parseOfacSdnXml } from './ofac-sdn-xml.js';
import { ListFormatError, readFtmEntities } from './opensanctions.js';

export interface ListFile {
  source: ListSource;
  path: string;
  /** sha256 of the file: the same file loaded twice is one version. */
  checksum: string;
  /** The publisher's date when the file states one, else the file's modification date. */
  publishedAt: string;
  entries: () => AsyncIterable<ListEntry>;
}

/** Which format a configured path holds: `*.xml` is OFAC's sdn.xml, `*.json`/`*.jsonl`/`*.ftm.json` FollowTheMoney. */
export function sourceOfPath(path: string): ListSource {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.xml')) return 'ofac-sdn';
  if (name.endsWith('.json') || name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'opensanctions';
  throw new ListFormatError(`${basename(path)}: unknown list format (expected OFAC sdn.xml or OpenSanctions *.ftm.json lines)`);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function openListFile(path: string): Promise<ListFile> {
  const source = sourceOfPath(path);
  const [checksum, info] = await Promise.all([sha256Of(path), stat(path)]);
  const modified = info.mtime.toISOString().slice(0, 10);
  if (source === 'ofac-sdn') {
    // sdn.xml is tens of MB: parsed whole (fast-xml-parser; no external entities are resolved).
    const list = parseOfacSdnXml(await readFile(path, 'utf8'));
    return { source, path, checksum, publishedAt: list.publishedAt ?? modified, entries: async function* () { yield* list.entries; } };
  }
  return { source, path, checksum, publishedAt: modified, entries: () => readFtmEntities(createReadStream(path)) };
}
