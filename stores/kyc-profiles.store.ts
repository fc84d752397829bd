import type { Collection, Db, Filter } from 'mongodb';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import { isDuplicateKey } from './mongo-errors.js';

/** The profile read model: one document per profile, written by the workflow's activities. */
export interface KycProfileDoc extends Omit<KycStatusDto, 'createdAt' | 'updatedAt'> {
  _id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Which profile is a user's active one: `_id` is the userId, so a user can hold only one. */
interface ActiveProfileDoc {
  _id: string;
  profileId: string;
  claimedAt: Date;
}

const profiles = (db: Db): Collection<KycProfileDoc> => db.collection('kyc_profiles');
const activeProfiles = (db: Db): Collection<ActiveProfileDoc> => db.collection('kyc_active_profiles');

export async function ensureKycProfileIndexes(db: Db): Promise<void> {
  // One createIndex call per index: FerretDB 1.24 drops the connection when a multi-index
  // createIndexes names indexes that already exist.
  await profiles(db).createIndex({ userId: 1, createdAt: -1 }, { name: 'by_user' });
  await profiles(db).createIndex({ stage: 1, createdAt: -1, _id: -1 }, { name: 'by_stage' });
  await profiles(db).createIndex({ 'document.documentId': 1 }, { name: 'by_document' });
  await profiles(db).createIndex({ 'liveness.sessions.sessionId': 1 }, { name: 'by_liveness_session' });
  await profiles(db).createIndex({ country: 1, createdAt: -1, _id: -1 }, { name: 'by_country' });
  await profiles(db).createIndex({ createdAt: -1, _id: -1 }, { name: 'newest_first' });
}

/**
 * Writes a snapshot unless a newer version is already stored, so retried or reordered activity
 * calls never move the read model backwards. Single-document and atomic (no transactions).
 */
export async function saveKycProfile(db: Db, version: number, status: KycStatusDto): Promise<void> {
  const doc: KycProfileDoc = {
    ...status,
    _id: status.profileId,
    version,
    createdAt: new Date(status.createdAt),
    updatedAt: new Date(status.updatedAt),
  };
  try {
    await profiles(db).replaceOne({ _id: doc._id, version: { $lt: version } }, doc, { upsert: true });
  } catch (err) {
    // The upsert tried to insert because the filter missed: an equal or newer version is stored.
    if (!isDuplicateKey(err)) throw err;
  }
}

export const findKycProfile = (db: Db, profileId: string): Promise<KycProfileDoc | null> =>
  profiles(db).findOne({ _id: profileId });

/** The profile whose current document is `documentId` (documents are addressed by id alone in seed 003). */
export const findProfileByDocumentId = (db: Db, documentId: number): Promise<Pick<KycProfileDoc, '_id' | 'userId'> | null> =>
  profiles(db).findOne({ 'document.documentId': documentId }, { projection: { _id: 1, userId: 1 } });

/** Claims `candidate` as the user's active profile; returns the profile that holds the claim. */
export async function claimActiveProfile(db: Db, userId: string, candidate: string): Promise<string> {
  const filter = { _id: userId };
  try {
    const claimed = await activeProfiles(db).findOneAndUpdate(
      filter,
      { $setOnInsert: { profileId: candidate, claimedAt: new Date() } },
      { upsert: true, returnDocument: 'after' },
    );
    if (claimed) return claimed.profileId;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err; // a concurrent claim won the insert: read it below
  }
  const holder = await activeProfiles(db).findOne(filter);
  if (!holder) throw new Error('active profile claim vanished');
  return holder.profileId;
}

/** Frees the user's claim, but only if this profile still holds it. */
export async function releaseActiveProfile(db: Db, userId: string, profileId: string): Promise<void> {
  await activeProfiles(db).deleteOne({ _id: userId, profileId });
}

/** The user's most recent profile, for seed 000's `/didit/status`. */
export const latestProfileOfUser = (db: Db, userId: string): Promise<KycProfileDoc | null> =>
  profiles(db).find({ userId }).sort({ createdAt: -1, _id: -1 }).limit(1).next();

export const activeProfileOf = async (db: Db, userId: string): Promise<string | null> =>
  (await activeProfiles(db).findOne({ _id: userId }))?.profileId ?? null;

/** The profile that holds a liveness session (seed 003 addresses sessions by id alone). */
export const findProfileByLivenessSession = (db: Db, sessionId: string): Promise<Pick<KycProfileDoc, '_id' | 'userId'> | null> =>
  profiles(db).findOne({ 'liveness.sessions.sessionId': sessionId }, { projection: { _id: 1, userId: 1 } });

/** Replay defence: a liveness video (by sha256) may be used once, ever. False if it was seen before. */
export async function claimVideoHash(db: Db, sha256: string, sessionId: string): Promise<boolean> {
  try {
    await db.collection<{ _id: string; sessionId: string; at: Date }>('liveness_video_hashes').insertOne({ _id: sha256, sessionId, at: new Date() });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** A page of profiles, newest first; ties broken by id so pages are stable. */
export async function listKycProfiles(db: Db, filter: Filter<KycProfileDoc>, page: number, limit: number) {
  const [total, docs] = await Promise.all([
    profiles(db).countDocuments(filter),
    profiles(db).find(filter).sort({ createdAt: -1, _id: -1 }).skip((page - 1) * limit).limit(limit).toArray(),
  ]);
  return { total, docs };
}
