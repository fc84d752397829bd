import type { Collection, Db, Filter } from 'mongodb';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import { noteLatestProfile } from './kyc-users.store.js';
import { isDuplicateKey } from './mongo-errors.js';
import { saveSnapshot } from './snapshots.js';
import { queueFieldsOf } from './review-queue.store.js';

/** The profile read model: one document per profile, written by the workflow's activities. */
export interface KycProfileDoc extends Omit<KycStatusDto, 'createdAt' | 'updatedAt'> {
  _id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the profile was erased: the document then holds only its redacted form. */
  erasedAt?: Date;
  erasureId?: string;
  /** Set when the retention policy deleted its images and videos. */
  filesErasedAt?: Date;
}

/** Which profile is a user's active one: `_id` is the userId, so a user can hold only one. */
interface ActiveProfileDoc {
  _id: string;
  profileId: string;
  claimedAt: Date;
  /** Set when an admin's reset takes the claim for a decided profile, before its workflow reopens it. */
  reopeningAt?: Date;
}

/** How long a reset's claim protects a profile whose read model still shows it decided. */
export const REOPENING_GRACE_MS = 60_000;

/**
 * Seed 003 addresses documents and liveness sessions by their own ids: a reference document per id
 * (`document:<id>`, `session:<id>`) finds the profile and its owner by key.
 */
interface ProfileRefDoc {
  _id: string;
  profileId: string;
  userId: string;
}
export type ProfileOwner = Pick<KycProfileDoc, '_id' | 'userId'>;

const profiles = (db: Db): Collection<KycProfileDoc> => db.collection('kyc_profiles');
const activeProfiles = (db: Db): Collection<ActiveProfileDoc> => db.collection('kyc_active_profiles');
const profileRefs = (db: Db): Collection<ProfileRefDoc> => db.collection('kyc_profile_refs');

export async function ensureKycProfileIndexes(db: Db): Promise<void> {
  // Reads by id need only `_id`. These serve the admin list filters, newest first. One
  // createIndex call per index: FerretDB 1.24 drops the connection when a multi-index
  // createIndexes names indexes that already exist.
  await profiles(db).createIndex({ createdAt: -1, _id: -1 }, { name: 'newest_first' });
  await profiles(db).createIndex({ stage: 1, createdAt: -1, _id: -1 }, { name: 'by_stage' });
  await profiles(db).createIndex({ status: 1, createdAt: -1, _id: -1 }, { name: 'by_status' });
  await profiles(db).createIndex({ country: 1, createdAt: -1, _id: -1 }, { name: 'by_country' });
  await profiles(db).createIndex({ reviewOverdue: 1, createdAt: -1, _id: -1 }, { name: 'by_overdue' });
  await profiles(db).createIndex({ stage: 1, updatedAt: 1 }, { name: 'by_stage_updated' }); // retention sweeps
  await profiles(db).createIndex({ userId: 1, createdAt: -1 }, { name: 'by_user' }); // erasure, export, legal hold
}

/**
 * Writes a snapshot unless a newer version is already stored, so retried or reordered activity
 * calls never move the read model backwards. Single-document and atomic (no transactions).
 */
export async function saveKycProfile(db: Db, version: number, status: KycStatusDto): Promise<void> {
  const doc: KycProfileDoc = {
    ...status,
    ...queueFieldsOf(status),
    _id: status.profileId,
    version,
    createdAt: new Date(status.createdAt),
    updatedAt: new Date(status.updatedAt),
  };
  const { recordId, agentUid, stage, failReason, createdAt, updatedAt } = doc;
  // The user's summary has its own version check, so it is written alongside the snapshot.
  await Promise.all([
    saveSnapshot(profiles(db), doc, { projection: REF_FIELDS, beforeWrite: (stored) => saveProfileRefs(db, status, stored) }),
    noteLatestProfile(db, status.userId, { profileId: doc._id, recordId, agentUid, stage, failReason, resubmission: doc.resubmission ?? null, version, createdAt, updatedAt }),
  ]);
}

const REF_FIELDS = { 'document.documentId': 1, 'liveness.sessions.sessionId': 1 };
const refKeys = (status: Pick<KycStatusDto, 'document' | 'liveness'> | Partial<KycProfileDoc> | null): string[] => [
  ...(status?.document ? [`document:${status.document.documentId}`] : []),
  ...(status?.liveness?.sessions ?? []).map((s) => `session:${s.sessionId}`),
];

/**
 * Refs land before the snapshot, so once a reader sees a document or session id its ref exists;
 * those of the stored snapshot were written before it, so only new ids are written.
 */
async function saveProfileRefs(db: Db, status: KycStatusDto, stored: Partial<KycProfileDoc> | null): Promise<void> {
  const known = new Set(refKeys(stored));
  await Promise.all(refKeys(status).filter((key) => !known.has(key)).map(async (key) => {
    try {
      await profileRefs(db).insertOne({ _id: key, profileId: status.profileId, userId: status.userId });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a retried write: refs never change
    }
  }));
}

export const findKycProfile = (db: Db, profileId: string): Promise<KycProfileDoc | null> =>
  profiles(db).findOne({ _id: profileId });

/** The status DTO as the workflow holds it, from its read model (an erased profile's: redacted, with when). */
export function profileDto({ _id, version, erasureId, erasedAt, filesErasedAt, ...status }: KycProfileDoc): KycStatusDto & { erasedAt?: string; filesErasedAt?: string } {
  return {
    ...status,
    createdAt: status.createdAt.toISOString(),
    updatedAt: status.updatedAt.toISOString(),
    ...(erasedAt ? { erasedAt: erasedAt.toISOString() } : {}),
    ...(filesErasedAt ? { filesErasedAt: filesErasedAt.toISOString() } : {}),
  };
}

/** The profile a document id belongs to (documents are addressed by id alone in seed 003). */
export const findProfileByDocumentId = (db: Db, documentId: number): Promise<ProfileOwner | null> => findRef(db, `document:${documentId}`);

/** The profile that holds a liveness session (seed 003 addresses sessions by id alone). */
export const findProfileByLivenessSession = (db: Db, sessionId: string): Promise<ProfileOwner | null> => findRef(db, `session:${sessionId}`);

async function findRef(db: Db, key: string): Promise<ProfileOwner | null> {
  const ref = await profileRefs(db).findOne({ _id: key });
  return ref && { _id: ref.profileId, userId: ref.userId };
}

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

/**
 * An admin's reset takes the user's claim for a decided profile before its workflow reopens it,
 * marked as reopening so a submit in between does not take the claim for stale. Returns the
 * profile that holds the claim: another one means the user started a new profile first.
 */
export async function claimForReopening(db: Db, userId: string, profileId: string): Promise<string> {
  const reopeningAt = new Date();
  const marked = await activeProfiles(db).updateOne({ _id: userId, profileId }, { $set: { reopeningAt } });
  if (marked.matchedCount === 1) return profileId;
  try {
    await activeProfiles(db).insertOne({ _id: userId, profileId, claimedAt: reopeningAt, reopeningAt });
    return profileId;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Another claim won the insert; if it is already gone again, try afresh.
    return (await activeProfiles(db).findOne({ _id: userId }))?.profileId ?? claimForReopening(db, userId, profileId);
  }
}

/**
 * Frees a claim held by a profile its read model shows decided (the workflow frees it just after
 * writing the decision; a claim seen in between is stale). Refused (false) while a reset is
 * reopening that profile: the claim is the reset's, not stale.
 */
export async function releaseStaleClaim(db: Db, userId: string, profileId: string): Promise<boolean> {
  const graceStart = new Date(Date.now() - REOPENING_GRACE_MS);
  await activeProfiles(db).deleteOne({ _id: userId, profileId, $or: [{ reopeningAt: { $exists: false } }, { reopeningAt: { $lt: graceStart } }] });
  return (await activeProfiles(db).findOne({ _id: userId }))?.profileId !== profileId;
}

/** Frees the user's claim, but only if this profile still holds it (read, then delete by key). */
export async function releaseActiveProfile(db: Db, userId: string, profileId: string): Promise<void> {
  const holder = await activeProfiles(db).findOne({ _id: userId });
  if (holder?.profileId === profileId) await activeProfiles(db).deleteOne({ _id: userId });
}

export const activeProfileOf = async (db: Db, userId: string): Promise<string | null> =>
  (await activeProfiles(db).findOne({ _id: userId }))?.profileId ?? null;

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

/** Gives a video back to the session that claimed it (its verify was refused before scoring). */
export async function releaseVideoHash(db: Db, sha256: string, sessionId: string): Promise<void> {
  await db.collection<{ _id: string; sessionId: string }>('liveness_video_hashes').deleteOne({ _id: sha256, sessionId });
}

/** A page of profiles, newest first; ties broken by id so pages are stable. */
export async function listKycProfiles(db: Db, filter: Filter<KycProfileDoc>, page: number, limit: number) {
  const [total, docs] = await Promise.all([
    profiles(db).countDocuments(filter),
    profiles(db).find(filter).sort({ createdAt: -1, _id: -1 }).skip((page - 1) * limit).limit(limit).toArray(),
  ]);
  return { total, docs };
}

/** Every profile of a user, oldest first (erasure and the data export). */
export const profilesOfUser = (db: Db, userId: string): Promise<KycProfileDoc[]> =>
  profiles(db).find({ userId }).sort({ createdAt: 1, _id: 1 }).limit(1_000).toArray();

/**
 * Replaces an erased profile's read model with its redacted form. Its version is set to the
 * highest possible, so a late write from an activity still in flight can never bring PII back.
 */
export async function saveRedactedKycProfile(db: Db, redacted: KycStatusDto & { erasedAt: string }, erasureId: string): Promise<boolean> {
  const doc = {
    ...redacted,
    _id: redacted.profileId,
    version: Number.MAX_SAFE_INTEGER,
    createdAt: new Date(redacted.createdAt),
    updatedAt: new Date(redacted.updatedAt),
    erasedAt: new Date(redacted.erasedAt),
    erasureId,
  };
  const result = await profiles(db).replaceOne({ _id: doc._id, erasedAt: { $exists: false } }, doc);
  return result.modifiedCount === 1;
}

/** Notes that a decided profile's files were deleted by the retention policy. */
export async function markProfileFilesErased(db: Db, profileId: string, at: Date): Promise<void> {
  await profiles(db).updateOne({ _id: profileId }, { $set: { filesErasedAt: at } });
}

/** A page of profiles in `stages` last changed before `before`, by id after `after` (retention sweeps). */
export async function profilesEndedBefore(
  db: Db,
  opts: { stages: readonly string[]; before: Date; after: string | null; limit: number; unmarked: 'erasedAt' | 'filesErasedAt' },
): Promise<Array<Pick<KycProfileDoc, '_id' | 'userId' | 'stage' | 'updatedAt'>>> {
  const filter: Filter<KycProfileDoc> = { stage: { $in: [...opts.stages] as KycProfileDoc['stage'][] }, updatedAt: { $lt: opts.before }, erasedAt: { $exists: false } };
  if (opts.unmarked === 'filesErasedAt') Object.assign(filter, { filesErasedAt: { $exists: false } });
  if (opts.after) filter._id = { $gt: opts.after };
  return profiles(db).find(filter, { projection: { _id: 1, userId: 1, stage: 1, updatedAt: 1 } }).sort({ _id: 1 }).limit(opts.limit).toArray();
}
