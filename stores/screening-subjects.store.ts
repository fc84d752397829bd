import type { Binary, Collection, Db } from 'mongodb';
import { open, seal } from '../codec/aes-gcm.js';
import type { EncryptionKeys } from '../codec/master-keys.js';
import type { ScreeningSubject } from '../screening/entry.js';

/**
 * Who each profile's person is, as screened (name, birth date, nationality), kept for monitoring:
 * sealed with the active payload master key (AES-256-GCM, the profile id authenticated), keyed by
 * profile id with the user id beside it, so erasure is one delete.
 */
interface SubjectDoc {
  _id: string; // profileId
  userId: string;
  keyId: string;
  sealed: Binary;
  screenedAt: Date;
}

const subjects = (db: Db): Collection<SubjectDoc> => db.collection('screening_subjects');

export async function ensureScreeningSubjectIndexes(db: Db): Promise<void> {
  await subjects(db).createIndex({ userId: 1 }, { name: 'by_user' });
}

/** The stored record of one subject (also written in bulk by the monitoring bench). */
export function sealedSubjectDoc(keys: EncryptionKeys, profileId: string, userId: string, subject: ScreeningSubject): SubjectDoc {
  const sealed = seal(keys.keys.get(keys.activeKeyId)!, Buffer.from(JSON.stringify(subject)), `screening-subject:${profileId}`);
  return { _id: profileId, userId, keyId: keys.activeKeyId, sealed: sealed as unknown as Binary, screenedAt: new Date() };
}

export async function saveScreeningSubject(db: Db, keys: EncryptionKeys, profileId: string, userId: string, subject: ScreeningSubject): Promise<void> {
  const { _id, ...doc } = sealedSubjectDoc(keys, profileId, userId, subject);
  await subjects(db).replaceOne({ _id }, doc, { upsert: true });
}

/**
 * A page of stored subjects in profile-id order after `after` (monitoring pages through them):
 * the small sealed records, read by an `_id` range, which FerretDB answers from its `_id` index
 * (paging the large read-model documents by stage, or `$in` lookups, scan the collection per page).
 * `last` is the page's last id (null after the last page); unreadable records are skipped.
 */
export async function screeningSubjectsAfter(db: Db, keys: EncryptionKeys, after: string | null, limit: number): Promise<{ subjects: Array<ScreeningSubject & { profileId: string; userId: string }>; last: string | null }> {
  const docs = await subjects(db).find(after ? { _id: { $gt: after } } : {}).sort({ _id: 1 }).limit(limit).toArray();
  const out: Array<ScreeningSubject & { profileId: string; userId: string }> = [];
  for (const doc of docs) {
    const key = keys.keys.get(doc.keyId);
    if (!key) continue; // sealed with a key no longer configured: unreadable, so not screened
    const plain = open(key, doc.sealed.buffer, `screening-subject:${doc._id}`);
    out.push({ ...(JSON.parse(plain.toString('utf8')) as ScreeningSubject), profileId: doc._id, userId: doc.userId });
  }
  return { subjects: out, last: docs.length === limit ? docs.at(-1)!._id : null };
}

/** Erasure: the sealed subjects of these profiles (all the user's when `profileIds` is null). */
export async function deleteScreeningSubjects(db: Db, userId: string, profileIds: string[] | null): Promise<number> {
  return (await subjects(db).deleteMany({ userId, ...(profileIds ? { _id: { $in: profileIds } } : {}) })).deletedCount;
}

/** What the export shows: which profiles have a stored subject, and when (the fields are the confirmed document's). */
export const screeningSubjectsOfUser = (db: Db, userId: string) =>
  subjects(db).find({ userId }, { projection: { _id: 1, screenedAt: 1 } }).toArray();
