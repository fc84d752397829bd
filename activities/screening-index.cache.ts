import type { Db } from 'mongodb';
import { ScreeningIndex } from '../screening/index.js';
import { activeListEntries, listStamp } from '../stores/screening-lists.store.js';

export interface LoadedIndex {
  /** The newest list version it holds. */
  version: string;
  index: ScreeningIndex;
}

/**
 * One in-memory screening index per worker process, built from the lists in MongoDB and rebuilt
 * when a new list version is loaded (checked at most every `recheckMs`). Screenings wait for the
 * first build; later rebuilds happen while the old index keeps serving.
 */
export function createScreeningIndexCache(db: Db, { recheckMs = 10_000 } = {}) {
  let current: LoadedIndex | null = null;
  let checkedAt = 0;
  let building: Promise<LoadedIndex | null> | null = null;

  async function build(version: string): Promise<LoadedIndex> {
    const index = new ScreeningIndex();
    for await (const entry of activeListEntries(db)) index.add(entry);
    return { version, index };
  }

  return async function screeningIndex(): Promise<LoadedIndex | null> {
    if (current && Date.now() - checkedAt < recheckMs) return current;
    building ??= (async () => {
      try {
        const version = await listStamp(db);
        checkedAt = Date.now();
        if (!version) return (current = null);
        if (current?.version !== version) current = await build(version);
        return current;
      } finally {
        building = null;
      }
    })();
    return current ?? building;
  };
}
