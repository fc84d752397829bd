import type { Collection, Db } from 'mongodb';
import type { REVIEWER_ROLES } from '../domain/review.js';
import { isDuplicateKey } from './mongo-errors.js';

/** Back-office accounts (made with `npm run reviewer`) and their server-side sessions. */
export type BackOfficeRole = (typeof REVIEWER_ROLES)[number];

export interface ReviewerDoc {
  /** The sign-in name, lower-case. */
  _id: string;
  name: string;
  role: BackOfficeRole;
  /** argon2id (PHC string). */
  passwordHash: string;
  disabled: boolean;
  /** Sessions signed in before this are void. */
  passwordChangedAt: Date;
  createdAt: Date;
}

export interface SessionDoc {
  _id: string;
  data: Record<string, unknown>;
  expiresAt: Date;
}

const reviewers = (db: Db): Collection<ReviewerDoc> => db.collection('reviewers');
const sessions = (db: Db): Collection<SessionDoc> => db.collection('backoffice_sessions');

export async function ensureReviewerIndexes(db: Db): Promise<void> {
  await sessions(db).createIndex({ expiresAt: 1 }, { name: 'expiry' });
}

export class ReviewerExists extends Error {}

export async function createReviewer(db: Db, account: Omit<ReviewerDoc, 'createdAt' | 'passwordChangedAt' | 'disabled'>): Promise<void> {
  const now = new Date();
  try {
    await reviewers(db).insertOne({ ...account, disabled: false, createdAt: now, passwordChangedAt: now });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ReviewerExists(`reviewer ${account._id} exists already`);
    throw err;
  }
}

export const findReviewer = (db: Db, username: string): Promise<ReviewerDoc | null> => reviewers(db).findOne({ _id: username });

export const listReviewers = (db: Db): Promise<ReviewerDoc[]> => reviewers(db).find({}, { projection: { passwordHash: 0 } }).sort({ _id: 1 }).toArray();

/** Changes one account; false when there is no such reviewer. */
export async function updateReviewer(db: Db, username: string, change: Partial<Pick<ReviewerDoc, 'role' | 'disabled' | 'passwordHash' | 'name'>>): Promise<boolean> {
  const set = change.passwordHash ? { ...change, passwordChangedAt: new Date() } : change;
  const result = await reviewers(db).updateOne({ _id: username }, { $set: set });
  return result.matchedCount === 1;
}

export const loadSession = async (db: Db, id: string): Promise<Record<string, unknown> | null> => {
  const doc = await sessions(db).findOne({ _id: id });
  return doc && doc.expiresAt > new Date() ? doc.data : null;
};

export async function saveSession(db: Db, id: string, data: Record<string, unknown>, expiresAt: Date): Promise<void> {
  await sessions(db).replaceOne({ _id: id }, { data, expiresAt }, { upsert: true });
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await sessions(db).deleteOne({ _id: id });
  // Expired sessions are swept on the way (FerretDB has no TTL indexes).
  await sessions(db).deleteMany({ expiresAt: { $lt: new Date() } });
}
