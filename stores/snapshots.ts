import type { Collection, Document } from 'mongodb';
import { isDuplicateKey } from './mongo-errors.js';

/**
 * Versioned read-model snapshots, written by `_id` alone. Every filter on the hot paths is a bare
 * `_id` so that it is index-backed on MongoDB *and* on the embedded FerretDB (whose SQLite backend
 * pushes down nothing but a lone `_id` equality: a filter like `{_id, version: {$lt: v}}` scans the
 * whole collection there). The version check is therefore a read and a write: a stale write is
 * skipped, so retried or late activity calls do not move a snapshot backwards.
 *
 * `beforeWrite` runs between the two with what the read returned (the fields of `projection`), for
 * writes that must land before the snapshot does. Returns whether the snapshot was written.
 */
export async function saveSnapshot<T extends Document & { _id: string; version: number }>(
  collection: Collection<T>,
  doc: T,
  opts: { projection?: Document; beforeWrite?: (stored: Partial<T> | null) => Promise<void> } = {},
): Promise<boolean> {
  const stored = (await collection.findOne({ _id: doc._id } as never, { projection: { ...opts.projection, version: 1 } })) as Partial<T> | null;
  if (stored && stored.version! >= doc.version) return false;
  await opts.beforeWrite?.(stored);
  if (stored) {
    await collection.replaceOne({ _id: doc._id } as never, doc);
    return true;
  }
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return saveSnapshot(collection, doc, opts); // a concurrent first write won: compare against it
  }
}
