import type { Db } from 'mongodb';
import type { VideoFingerprint } from '../vision/face/video-fingerprint.js';

/**
 * The content fingerprint of every liveness video ever scored (replay defence by what a clip
 * shows; the API's sha256 claim catches the identical file). `_id` is the video's file id, so a
 * retried scoring writes the same document; `keys` (bands of the frame hashes) find candidates.
 */
interface FingerprintDoc {
  _id: string;
  userId: string;
  keys: string[];
  fingerprint: VideoFingerprint;
  at: Date;
}

const fingerprints = (db: Db) => db.collection<FingerprintDoc>('liveness_fingerprints');

export async function ensureFingerprintIndexes(db: Db): Promise<void> {
  await fingerprints(db).createIndex({ keys: 1 }, { name: 'by_key' });
}

/** Earlier videos (not `exclude`) sharing a key with `keys`, most recent first. */
export async function fingerprintCandidates(db: Db, keys: string[], exclude: string[], limit = 200): Promise<Array<{ fileId: string; fingerprint: VideoFingerprint }>> {
  const docs = await fingerprints(db)
    .find({ keys: { $in: keys }, _id: { $nin: exclude } }, { projection: { fingerprint: 1 } })
    .sort({ at: -1 })
    .limit(limit)
    .toArray();
  return docs.map((doc) => ({ fileId: doc._id, fingerprint: doc.fingerprint }));
}

export async function saveFingerprint(db: Db, fileId: string, userId: string, keys: string[], fingerprint: VideoFingerprint): Promise<void> {
  await fingerprints(db).replaceOne({ _id: fileId }, { userId, keys, fingerprint, at: new Date() }, { upsert: true });
}

/** Erasure: the fingerprints of a user's videos, or of the given video files only. */
export async function deleteFingerprintsOf(db: Db, { userId, fileIds }: { userId: string; fileIds?: string[] }): Promise<number> {
  const filter = fileIds ? { userId, _id: { $in: fileIds } } : { userId };
  return (await fingerprints(db).deleteMany(filter)).deletedCount;
}
