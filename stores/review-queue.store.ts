import type { Db, Document, Filter } from 'mongodb';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import type { KycStage } from '../domain/kyc-stage.js';
import { reasonGroups, type ReviewReasonGroup } from '../domain/review.js';
import type { KycProfileDoc } from './kyc-profiles.store.js';

/**
 * The reviewers' queue, read from the profile read model. `saveKycProfile` stores two derived
 * fields for it: the review reasons' groups (filter) and when the case entered review (order).
 */
export interface QueueFields {
  reasonGroups: ReviewReasonGroup[];
  queuedAt: Date | null;
}

export const queueFieldsOf = (status: KycStatusDto): QueueFields => ({
  reasonGroups: reasonGroups(status.reviewReasons),
  queuedAt: status.review?.queuedAt ? new Date(status.review.queuedAt) : null,
});

export interface QueueFilter {
  stage: KycStage;
  overdue?: boolean;
  country?: string;
  reason?: ReviewReasonGroup;
  /** A profile id or a user id, exactly. */
  search?: string;
}

type QueueDoc = KycProfileDoc & Partial<QueueFields>;
const profiles = (db: Db) => db.collection<QueueDoc>('kyc_profiles');

export async function ensureReviewQueueIndexes(db: Db): Promise<void> {
  await profiles(db).createIndex({ stage: 1, queuedAt: 1, _id: 1 }, { name: 'review_queue' });
}

function toMongo(filter: QueueFilter): Filter<QueueDoc> {
  const query: Filter<QueueDoc> = { stage: filter.stage };
  if (filter.overdue !== undefined) query.reviewOverdue = filter.overdue ? true : { $ne: true };
  if (filter.country) query.country = filter.country;
  if (filter.reason) query.reasonGroups = filter.reason;
  if (filter.search) query.$or = [{ _id: filter.search }, { userId: filter.search }];
  return query;
}

/** A page of the queue, oldest waiting first (ties by id, so pages are stable). */
export async function queuePage(db: Db, filter: QueueFilter, page: number, limit: number): Promise<{ total: number; docs: QueueDoc[] }> {
  const query = toMongo(filter);
  const [total, docs] = await Promise.all([
    profiles(db).countDocuments(query),
    profiles(db).find(query).sort({ queuedAt: 1, createdAt: 1, _id: 1 }).skip((page - 1) * limit).limit(limit).toArray(),
  ]);
  return { total, docs };
}

export interface QueueCounts {
  all: number;
  overdue: number;
  countries: Record<string, number>;
  reasons: Record<string, number>;
}

/** How many cases each filter value would show, within the stage. */
export async function queueCounts(db: Db, stage: KycStage): Promise<QueueCounts> {
  const grouped = async (pipeline: Document[]) => Object.fromEntries(
    (await profiles(db).aggregate<{ _id: string; n: number }>([{ $match: { stage } }, ...pipeline, { $group: { _id: pipeline.length ? '$reasonGroups' : '$country', n: { $sum: 1 } } }]).toArray())
      .filter((row) => row._id != null)
      .map((row) => [row._id, row.n]),
  );
  const [all, overdue, countries, reasons] = await Promise.all([
    profiles(db).countDocuments({ stage }),
    profiles(db).countDocuments({ stage, reviewOverdue: true }),
    grouped([]),
    grouped([{ $unwind: '$reasonGroups' }]),
  ]);
  return { all, overdue, countries, reasons };
}
