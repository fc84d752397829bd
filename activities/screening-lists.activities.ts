import type { Db } from 'mongodb';
import { openListFile } from '../screening/lists/read-list-file.js';
import { importListVersion, type ListVersionDoc } from '../stores/screening-lists.store.js';

export interface LoadedListVersion {
  versionId: string;
  source: string;
  publishedAt: string;
  isNew: boolean;
  added: number;
  changed: number;
  removed: number;
}

const summary = (v: ListVersionDoc, isNew: boolean): LoadedListVersion =>
  ({ versionId: v._id, source: v.source, publishedAt: v.publishedAt, isNew, added: v.added, changed: v.changed, removed: v.removed });

/** Loads each list file as a version of its source (unchanged files are recognised by checksum). */
export async function importListFiles(db: Db, paths: string[]): Promise<LoadedListVersion[]> {
  const loaded: LoadedListVersion[] = [];
  for (const path of paths) {
    const file = await openListFile(path);
    const { version, isNew } = await importListVersion(db, file, file.entries());
    loaded.push(summary(version, isNew));
  }
  return loaded;
}
