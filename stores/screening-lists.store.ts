import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { ListEntry, ListSource } from '../screening/entry.js';

/**
 * Sanctions and PEP lists as loaded: one document per list version (source, publication date,
 * file checksum) and one per entry. An entry keeps the version it last changed in, so monitoring
 * re-screens customers against exactly the entries a new version added or changed.
 */
export interface ListVersionDoc {
  _id: string; // `${source}:${checksum}`
  source: ListSource;
  checksum: string;
  publishedAt: string;
  loadedAt: Date;
  path: string;
  entryCount: number;
  added: number;
  changed: number;
  removed: number;
}

export interface ListEntryDoc extends ListEntry {
  _id: string; // the entry's id
  /** sha256 of the screening-relevant content: unchanged entries are not rewritten. */
  hash: string;
  changedIn: string;
  /** Set when a later version of its source no longer lists it (kept for the audit, never screened). */
  removedIn: string | null;
}

const versions = (db: Db): Collection<ListVersionDoc> => db.collection('screening_list_versions');
const entries = (db: Db): Collection<ListEntryDoc> => db.collection('screening_list_entries');

export async function ensureScreeningListIndexes(db: Db): Promise<void> {
  await entries(db).createIndex({ changedIn: 1 }, { name: 'by_version' });
  await entries(db).createIndex({ source: 1, removedIn: 1 }, { name: 'by_source' });
  await versions(db).createIndex({ loadedAt: -1 }, { name: 'newest_first' });
}

const entryHash = (e: ListEntry): string =>
  createHash('sha256').update(JSON.stringify([e.names, e.birthDates, e.nationalities, e.topics, e.programs])).digest('hex');

export interface ImportResult {
  version: ListVersionDoc;
  /** False when this exact file was loaded before: nothing changed. */
  isNew: boolean;
}

/**
 * Loads one list file's entries as a new version of its source: new and changed entries are
 * written (in batches), entries the file no longer holds are marked removed. Loading the same file
 * again changes nothing. The version document is written last, so a load that fails half-way is
 * simply run again (entries already written are recognised by their hash).
 */
export async function importListVersion(
  db: Db,
  file: { source: ListSource; checksum: string; publishedAt: string; path: string },
  list: AsyncIterable<ListEntry>,
): Promise<ImportResult> {
  const versionId = `${file.source}:${file.checksum}`;
  const existing = await versions(db).findOne({ _id: versionId });
  if (existing) return { version: existing, isNew: false };

  const known = new Map<string, string>();
  for await (const doc of entries(db).find({ source: file.source, removedIn: null }, { projection: { hash: 1 } })) known.set(doc._id, doc.hash);
  const seen = new Set<string>();
  let batch: AnyBulkWriteOperation<ListEntryDoc>[] = [];
  let added = 0;
  let changed = 0;
  const flush = async () => {
    if (batch.length) await entries(db).bulkWrite(batch, { ordered: false });
    batch = [];
  };
  for await (const entry of list) {
    if (seen.has(entry.id)) continue; // a list may repeat an id: the first wins
    seen.add(entry.id);
    const hash = entryHash(entry);
    const before = known.get(entry.id);
    if (before === hash) continue;
    if (before) changed++; else added++;
    batch.push({ replaceOne: { filter: { _id: entry.id }, replacement: { ...entry, hash, changedIn: versionId, removedIn: null }, upsert: true } });
    if (batch.length >= 1_000) await flush();
  }
  await flush();
  const gone = [...known.keys()].filter((id) => !seen.has(id));
  for (let i = 0; i < gone.length; i += 1_000) {
    await entries(db).updateMany({ _id: { $in: gone.slice(i, i + 1_000) } }, { $set: { removedIn: versionId } });
  }
  const version: ListVersionDoc = { _id: versionId, ...file, loadedAt: new Date(), entryCount: seen.size, added, changed, removed: gone.length };
  await versions(db).insertOne(version);
  return { version, isNew: true };
}

/** Every entry in force (not removed), for building the screening index. */
export async function* activeListEntries(db: Db): AsyncGenerator<ListEntry> {
  for await (const { _id, hash, changedIn, removedIn, ...entry } of entries(db).find({ removedIn: null })) yield entry;
}

/** The entries a version added or changed: what monitoring re-screens approved customers against. */
/** The entries added or changed in these versions, each with the hash of its content. */
export async function* entriesChangedIn(db: Db, versionIds: string[]): AsyncGenerator<{ entry: ListEntry; hash: string }> {
  for await (const { _id, hash, changedIn, removedIn, ...entry } of entries(db).find({ changedIn: { $in: versionIds }, removedIn: null })) yield { entry, hash };
}

/** A stamp that changes whenever a list version is loaded: workers rebuild their index when it does. */
export async function listStamp(db: Db): Promise<string | null> {
  const newest = await versions(db).find({}, { projection: { _id: 1 } }).sort({ loadedAt: -1 }).limit(1).next();
  return newest?._id ?? null;
}

export const listVersions = (db: Db, limit = 20): Promise<ListVersionDoc[]> =>
  versions(db).find({}).sort({ loadedAt: -1 }).limit(limit).toArray();

export const findListEntries = (db: Db, ids: string[]): Promise<ListEntryDoc[]> => entries(db).find({ _id: { $in: ids } }).toArray();
