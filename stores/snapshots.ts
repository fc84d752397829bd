import type { Collection, Document } from 'mongodb';
import { isDuplicateKey } from './mongo-errors.js';

/**
 * Versioned read-model snapshots, written by `_id` alone. Every filter on the hot paths is a bare
 * `_id` so that it is index-backed on MongoDB *and* on the embedded FerretDB (whose SQLite backend
 * pushes down nothing but a lone `_id` equality: a filter like `{_id, version: {$lt: v}}` scans the
 * whole collection there). The version check is therefore a read and a write: a stale write is
 * skipped, so retried or late activity calls do not move a snapshot backwards.
 */
export async function saveSnapshot<T extends Document & { _id: string; version: number }>(collection: Collection<T>, doc: T): Promise<boolean> {
  const stored = await collection.findOne({ _id: doc._id } as never, { projection: { version: 1 } });
  if (stored && (stored as T).version >= doc.version) return false;
  if (!stored) {
    try {
      await collection.insertOne(doc as never);
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return saveSnapshot(collection, doc); // a concurrent first write won: compare against it
    }
  }
  await collection.replaceOne({ _id: doc._id } as never, doc);
  return true;
}
