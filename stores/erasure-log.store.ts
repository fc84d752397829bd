import type { Collection, Db } from 'mongodb';
import type { ErasureRequest, ErasureResult } from '../domain/data-protection.js';

/**
 * The erasure log: who erased what, when, and on which legal basis. It is itself kept (it is the
 * proof that erasure happened) and holds no PII: ids, counts, the basis and the admins' notes.
 */
export interface ErasureLogDoc extends Omit<ErasureRequest, 'erasureId'> {
  _id: string;
  status: 'running' | 'completed';
  requestedAt: Date;
  completedAt: Date | null;
  profileIds: string[];
  result: Omit<ErasureResult, 'erasureId' | 'scope' | 'userId' | 'profileIds' | 'completedAt'> | null;
}

const log = (db: Db): Collection<ErasureLogDoc> => db.collection('data_erasures');

export async function ensureErasureLogIndexes(db: Db): Promise<void> {
  await log(db).createIndex({ userId: 1, requestedAt: -1 }, { name: 'by_user' });
  await log(db).createIndex({ completedAt: 1 }, { name: 'by_completion' });
}

/** Opens the entry (once: a retried activity finds it open). */
export async function openErasure(db: Db, request: ErasureRequest, profileIds: string[], at: Date): Promise<void> {
  const { erasureId, ...rest } = request;
  await log(db).updateOne(
    { _id: erasureId },
    { $setOnInsert: { ...rest, status: 'running', requestedAt: at, completedAt: null, profileIds, result: null } },
    { upsert: true },
  );
}

export async function closeErasure(db: Db, result: ErasureResult): Promise<void> {
  const { erasureId, scope: _scope, userId: _userId, profileIds, completedAt, ...counts } = result;
  await log(db).updateOne({ _id: erasureId }, { $set: { status: 'completed', completedAt: new Date(completedAt), profileIds, result: counts } });
}

export const findErasure = (db: Db, erasureId: string) => log(db).findOne({ _id: erasureId });

/** A user's erasures, newest first. */
export const erasuresOfUser = (db: Db, userId: string, limit = 100) =>
  log(db).find({ userId }).sort({ requestedAt: -1, _id: -1 }).limit(limit).toArray();

/** Erasures of whole profiles or users completed since `since` (the sweep repeats them for late writes). */
export const erasuresCompletedSince = (db: Db, since: Date) =>
  log(db).find({ completedAt: { $gte: since }, scope: { $in: ['user', 'profile'] } }, { projection: { userId: 1, profileIds: 1 } }).limit(10_000).toArray();
