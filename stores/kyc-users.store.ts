import type { Collection, Db } from 'mongodb';
import type { KycPaymentView, LatestKycRecord } from '../domain/app-kyc.js';
import type { KycStage } from '../domain/kyc-stage.js';
import type { PaymentStatus } from '../domain/payments.js';
import type { Resubmission } from '../domain/review.js';

/**
 * One document per user (`_id` = userId) with what the user-level reads need: the latest profile
 * and the latest KYC fee payment. `/didit/status`, `/kyc/eligibility`, submit and card apply read
 * it by key, so their cost does not grow with the number of profiles or payments stored.
 */
export interface LatestProfileSummary {
  profileId: string;
  recordId: number;
  agentUid: string;
  stage: KycStage;
  failReason: string | null;
  /** A reviewer's RETRY the user owes (what `/didit/status` tells them to fix). */
  resubmission?: Resubmission | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Erased: the profile no longer stands as the user's KYC (not verified, no cards); a new one may start. */
  erasedAt?: Date;
}

export interface LatestKycPaymentSummary {
  paymentId: string;
  status: Exclude<PaymentStatus, 'none'>;
  version: number;
  createdAt: Date;
}

export interface KycUserDoc {
  _id: string;
  latestProfile?: LatestProfileSummary;
  kycPayment?: LatestKycPaymentSummary;
  /** The KYC fee payment a profile was submitted with (it pays for that one profile). */
  kycPaymentUsed?: { paymentId: string; profileId: string };
}

const users = (db: Db): Collection<KycUserDoc> => db.collection('kyc_users');

export const findKycUser = (db: Db, userId: string): Promise<KycUserDoc | null> => users(db).findOne({ _id: userId });

/** Is `next` a newer state than `current`: a later record, or a later version of the same one? */
function supersedes<T extends { version: number; createdAt: Date }>(current: T | undefined, next: T, sameRecord: (a: T) => boolean): boolean {
  if (!current) return true;
  return sameRecord(current) ? next.version > current.version : next.createdAt.getTime() >= current.createdAt.getTime();
}

/** Keeps `latestProfile` pointing at the user's newest profile, at its newest version. */
export async function noteLatestProfile(db: Db, userId: string, summary: LatestProfileSummary): Promise<void> {
  const current = (await findKycUser(db, userId))?.latestProfile;
  if (!supersedes(current, summary, (c) => c.profileId === summary.profileId)) return;
  await users(db).updateOne({ _id: userId }, { $set: { latestProfile: summary } }, { upsert: true });
}

/**
 * Marks the user's latest profile erased when it is one of `profileIds` (at the highest version, so a
 * late write of its workflow cannot undo it; a newer profile replaces it as usual). Returns 0 or 1.
 */
export async function markLatestProfileErased(db: Db, userId: string, profileIds: readonly string[], at: Date): Promise<number> {
  const latest = (await findKycUser(db, userId))?.latestProfile;
  if (!latest || latest.erasedAt || !profileIds.includes(latest.profileId)) return 0;
  await users(db).updateOne({ _id: userId }, { $set: { latestProfile: { ...latest, erasedAt: at, version: Number.MAX_SAFE_INTEGER } } });
  return 1;
}

/** Keeps `kycPayment` pointing at the user's newest KYC fee payment, at its newest version. */
export async function noteLatestKycPayment(db: Db, userId: string, summary: LatestKycPaymentSummary): Promise<void> {
  const current = (await findKycUser(db, userId))?.kycPayment;
  if (!supersedes(current, summary, (c) => c.paymentId === summary.paymentId)) return;
  await users(db).updateOne({ _id: userId }, { $set: { kycPayment: summary } }, { upsert: true });
}

export async function noteKycPaymentUsed(db: Db, userId: string, paymentId: string, profileId: string): Promise<void> {
  await users(db).updateOne({ _id: userId }, { $set: { kycPaymentUsed: { paymentId, profileId } } }, { upsert: true });
}

/** What eligibility needs: the latest KYC fee payment and whether a profile already used it. */
export function kycPaymentViewOf(user: KycUserDoc | null): KycPaymentView | null {
  const payment = user?.kycPayment;
  return payment ? { status: payment.status, consumed: user.kycPaymentUsed?.paymentId === payment.paymentId } : null;
}

/** The user's latest profile as their KYC standing: none once it was erased. */
export const standingProfileOf = (user: KycUserDoc | null): LatestProfileSummary | null =>
  user?.latestProfile && !user.latestProfile.erasedAt ? user.latestProfile : null;

export function latestKycRecordOf(user: KycUserDoc | null): LatestKycRecord | null {
  const p = standingProfileOf(user);
  return p ? { recordId: p.recordId, agentUid: p.agentUid, stage: p.stage, failReason: p.failReason, resubmission: p.resubmission ?? null, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() } : null;
}
