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

/** The subjects of these profiles (those still stored and readable), by profile id. */
export async function loadScreeningSubjects(db: Db, keys: EncryptionKeys, profileIds: string[]): Promise<Map<string, ScreeningSubject & { userId: string }>> {
  const out = new Map<string, ScreeningSubject & { userId: string }>();
  for (const doc of await subjects(db).find({ _id: { $in: profileIds } }).toArray()) {
    const key = keys.keys.get(doc.keyId);
    if (!key) continue; // sealed with a key no longer configured: unreadable, so not screened
    const plain = open(key, doc.sealed.buffer, `screening-subject:${doc._id}`);
    out.set(doc._id, { ...(JSON.parse(plain.toString('utf8')) as ScreeningSubject), userId: doc.userId });
  }
  return out;
}

/** Erasure: the sealed subjects of these profiles (all the user's when `profileIds` is null). */
export async function deleteScreeningSubjects(db: Db, userId: string, profileIds: string[] | null): Promise<number> {
  return (await subjects(db).deleteMany({ userId, ...(profileIds ? { _id: { $in: profileIds } } : {}) })).deletedCount;
}

/** What the export shows: which profiles have a stored subject, and when (the fields are the confirmed document's). */
export const screeningSubjectsOfUser = (db: Db, userId: string) =>
  subjects(db).find({ userId }, { projection: { _id: 1, screenedAt: 1 } }).toArray();
