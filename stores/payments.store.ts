import type { Collection, Db } from 'mongodb';
import type { FeePayment, PaymentType } from '../domain/payments.js';
import { noteKycPaymentUsed, noteLatestKycPayment } from './kyc-users.store.js';
import { isDuplicateKey } from './mongo-errors.js';

/** Fee payment read models, the one-open-payment-per-user-and-type claims, and idempotency keys. */
export interface FeePaymentDoc extends Omit<FeePayment, 'createdAt' | 'updatedAt' | 'expiresAt'> {
  _id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  /** What used this payment up (a profile id, a card application id); null while unused. */
  consumedBy: string | null;
}

const payments = (db: Db): Collection<FeePaymentDoc> => db.collection('fee_payments');
/** Which consumer used a payment, keyed by the payment: an insert, so one use per payment however requests race. */
const paymentUses = (db: Db): Collection<{ _id: string; consumer: string; at: Date }> => db.collection('fee_payment_uses');
const openClaims = (db: Db): Collection<{ _id: string; paymentId: string }> => db.collection('fee_payment_open');
const idempotencyKeys = (db: Db): Collection<{ _id: string; paymentId: string; type: PaymentType; createdAt: Date }> =>
  db.collection('fee_payment_idempotency');

export async function ensurePaymentIndexes(db: Db): Promise<void> {
  await payments(db).createIndex({ userId: 1, type: 1, createdAt: -1 }, { name: 'by_user_type' });
}

/**
 * Versioned upsert that never moves backwards and never touches `consumedBy`. Filters are a bare
 * `_id` (see stores/snapshots.ts): the version is compared after a read by key.
 */
export async function saveFeePayment(db: Db, version: number, payment: FeePayment): Promise<void> {
  const stored = await payments(db).findOne({ _id: payment.paymentId }, { projection: { version: 1 } });
  if (stored && stored.version >= version) return;
  const fields = {
    ...payment,
    version,
    createdAt: new Date(payment.createdAt),
    updatedAt: new Date(payment.updatedAt),
    expiresAt: new Date(payment.expiresAt),
  };
  try {
    await payments(db).updateOne({ _id: payment.paymentId }, { $set: fields, $setOnInsert: { consumedBy: null } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  if (payment.type === 'kyc') {
    await noteLatestKycPayment(db, payment.userId, { paymentId: payment.paymentId, status: payment.status, version, createdAt: fields.createdAt });
  }
}

export const findPayment = (db: Db, paymentId: string) => payments(db).findOne({ _id: paymentId });

/** The payment as the workflow holds it, from its read model. */
export function paymentDto({ _id, version, consumedBy, ...payment }: FeePaymentDoc): FeePayment {
  return { ...payment, createdAt: payment.createdAt.toISOString(), updatedAt: payment.updatedAt.toISOString(), expiresAt: payment.expiresAt.toISOString() };
}

/** The KYC fee `paymentId` pays for `profileId` (the submit that created it; one profile per fee). */
export async function consumeKycPayment(db: Db, userId: string, paymentId: string, profileId: string): Promise<void> {
  await payments(db).updateOne({ _id: paymentId }, { $set: { consumedBy: profileId } });
  await noteKycPaymentUsed(db, userId, paymentId, profileId);
}

/**
 * Marks a completed, unused payment of `type` as used by `consumer`; null when there is none.
 * The use is an insert keyed by the payment id, so of requests racing for one payment exactly one
 * gets it: an update filtered on `consumedBy: null` is no such guard on the embedded FerretDB,
 * which reads, then writes. (Card applications: index `by_user_type` on MongoDB; a scan on FerretDB.)
 */
export async function consumePayment(db: Db, userId: string, type: PaymentType, consumer: string): Promise<FeePaymentDoc | null> {
  const unused = await payments(db).find({ userId, type, status: 'completed', consumedBy: null }).sort({ createdAt: 1 }).limit(20).toArray();
  for (const payment of unused) {
    if (!(await recordUse(db, payment._id, consumer))) continue; // another request took this one
    await payments(db).updateOne({ _id: payment._id }, { $set: { consumedBy: consumer } });
    return { ...payment, consumedBy: consumer };
  }
  return null;
}

/** How long a use may stand without its payment marked used before it counts as abandoned. */
export const ABANDONED_USE_MS = 60_000;

/**
 * Inserts the payment's use; false if another consumer holds it. A use whose payment is still
 * unmarked after `ABANDONED_USE_MS` was left by a process that died between the two writes (its
 * consumer never started), so it is taken over instead of locking the fee away for good.
 */
async function recordUse(db: Db, paymentId: string, consumer: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await paymentUses(db).insertOne({ _id: paymentId, consumer, at: new Date() });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const use = await paymentUses(db).findOne({ _id: paymentId });
    if (!use || use.at.getTime() > Date.now() - ABANDONED_USE_MS) return false;
    await paymentUses(db).deleteOne({ _id: paymentId, consumer: use.consumer }); // only that abandoned use
  }
  return false;
}

/**
 * How long a payment may stay used by a consumer that never appeared before the use is looked
 * at again: far past any request (a process that died after using the fee, before starting what
 * it paid for), so a request still on its way never loses the fee it holds.
 */
export const ORPHANED_USE_MS = 15 * 60_000;

/** The user's used payments of `type` whose use is older than `ORPHANED_USE_MS`, with their consumers. */
export async function longUsedPayments(db: Db, userId: string, type: PaymentType): Promise<Array<{ paymentId: string; consumer: string }>> {
  const used = await payments(db).find({ userId, type, status: 'completed', consumedBy: { $ne: null } }, { projection: { _id: 1 } }).toArray();
  // Uses by key: the only lookup the embedded FerretDB pushes down (README, "Why by key").
  const uses = await Promise.all(used.map((p) => paymentUses(db).findOne({ _id: p._id })));
  return uses.filter((u) => !!u && u.at.getTime() < Date.now() - ORPHANED_USE_MS).map((u) => ({ paymentId: u!._id, consumer: u!.consumer }));
}

/** Gives a consumed payment back (its purchase failed), if `consumer` still holds it. */
export async function releasePayment(db: Db, paymentId: string, consumer: string): Promise<void> {
  const [use, payment] = await Promise.all([paymentUses(db).findOne({ _id: paymentId }), payments(db).findOne({ _id: paymentId }, { projection: { consumedBy: 1 } })]);
  // (A payment used before uses were recorded has only its `consumedBy`.)
  if ((use?.consumer ?? payment?.consumedBy) !== consumer) return;
  if (use) await paymentUses(db).deleteOne({ _id: paymentId });
  await payments(db).updateOne({ _id: paymentId }, { $set: { consumedBy: null } });
}

/** Claims `candidate` as the user's open payment of `type`; returns the payment holding the claim. */
export async function claimOpenPayment(db: Db, userId: string, type: PaymentType, candidate: string): Promise<string> {
  const filter = { _id: `${userId}:${type}` };
  try {
    const claim = await openClaims(db).findOneAndUpdate(filter, { $setOnInsert: { paymentId: candidate } }, { upsert: true, returnDocument: 'after' });
    if (claim) return claim.paymentId;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const holder = await openClaims(db).findOne(filter);
  if (!holder) throw new Error('open payment claim vanished');
  return holder.paymentId;
}

export async function releaseOpenPayment(db: Db, userId: string, type: PaymentType, paymentId: string): Promise<void> {
  const claim = await openClaims(db).findOne({ _id: `${userId}:${type}` });
  if (claim?.paymentId === paymentId) await openClaims(db).deleteOne({ _id: `${userId}:${type}` });
}

/** Records (or finds) the payment an `Idempotency-Key` stands for. */
export async function rememberIdempotencyKey(db: Db, userId: string, key: string, type: PaymentType, paymentId: string) {
  const filter = { _id: `${userId}:${key}` };
  try {
    return await idempotencyKeys(db).findOneAndUpdate(filter, { $setOnInsert: { paymentId, type, createdAt: new Date() } }, { upsert: true, returnDocument: 'after' });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return idempotencyKeys(db).findOne(filter);
  }
}

/** Every fee payment of a user (erasure and the data export). */
export const paymentsOfUser = (db: Db, userId: string): Promise<FeePaymentDoc[]> =>
  payments(db).find({ userId }).sort({ createdAt: 1, _id: 1 }).limit(1_000).toArray();
