import type { Db } from 'mongodb';
import type { EncryptionKeys } from '../codec/master-keys.js';
import { FaceIndex } from '../screening/face-index.js';
import { facesStoredSince, type StoredFace } from '../stores/face-descriptors.store.js';

/** An index row's key: which profile, which record of it (a rematch stores a new one), which face. */
export const faceRowKey = (profileId: string, storedAt: Date, which: 'document' | 'selfie') => `${profileId}|${storedAt.getTime()}|${which}`;
export function parseFaceRowKey(key: string): { profileId: string; storedAt: number } {
  const [profileId, storedAt] = key.split('|');
  return { profileId: profileId!, storedAt: Number(storedAt) };
}

/**
 * One in-memory face index per model per worker process: the first search decrypts every stored
 * descriptor once; each later search first adds only those stored since the last one (the
 * `storedAt` index), so nothing is decrypted per search. Rows of replaced or erased records stay
 * in memory; callers drop them by checking the hits against the store (`faceVersions`).
 */
export function createFaceIndexCache(db: Db, keys: EncryptionKeys) {
  const indexes = new Map<string, FaceIndex>();
  const seen = new Set<string>();
  let since = new Date(0);
  let syncing: Promise<void> = Promise.resolve();

  function add(face: StoredFace): void {
    const key = faceRowKey(face.profileId, face.storedAt, 'document');
    if (seen.has(key)) return; // read again: `since` is inclusive, so equal timestamps are not missed
    seen.add(key);
    let index = indexes.get(face.model);
    if (!index) indexes.set(face.model, (index = new FaceIndex(face.model, face.document.length, face.metric)));
    index.add(key, face.document);
    index.add(faceRowKey(face.profileId, face.storedAt, 'selfie'), face.selfie);
  }

  async function sync(): Promise<void> {
    for await (const face of facesStoredSince(db, keys, since)) {
      add(face);
      if (face.storedAt > since) since = face.storedAt;
    }
  }

  /** The index of `model`, up to date with the store (null: no descriptors of that model yet). */
  return async function faceIndex(model: string): Promise<FaceIndex | null> {
    // Queued behind any sync under way: that one may have started before this caller's write.
    syncing = syncing.catch(() => undefined).then(sync);
    await syncing;
    return indexes.get(model) ?? null;
  };
}
