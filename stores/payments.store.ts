import type { Collection, Db } from 'mongodb';
import type { KycPaymentView } from '../domain/app-kyc.js';
import type { FeePayment, PaymentType } from '../domain/payments.js';
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
const openClaims = (db: Db): Collection<{ _id: string; paymentId: string }> => db.collection('fee_payment_open');
const idempotencyKeys = (db: Db): Collection<{ _id: string; paymentId: string; type: PaymentType; createdAt: Date }> =>
  db.collection('fee_payment_idempotency');

export async function ensurePaymentIndexes(db: Db): Promise<void> {
  await payments(db).createIndex({ userId: 1, type: 1, createdAt: -1 }, { name: 'by_user_type' });
}

/** Versioned upsert that never moves backwards and never touches `consumedBy`. */
export async function saveFeePayment(db: Db, version: number, payment: FeePayment): Promise<void> {
  const fields = {
    ...payment,
    version,
    createdAt: new Date(payment.createdAt),
    updatedAt: new Date(payment.updatedAt),
    expiresAt: new Date(payment.expiresAt),
  };
  try {
    await payments(db).updateOne(
      { _id: payment.paymentId, version: { $lt: version } },
      { $set: fields, $setOnInsert: { consumedBy: null } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

export const findPayment = (db: Db, paymentId: string) => payments(db).findOne({ _id: paymentId });

/** The user's most recent payment of a type. */
export const latestPayment = (db: Db, userId: string, type: PaymentType) =>
  payments(db).find({ userId, type }).sort({ createdAt: -1, _id: -1 }).limit(1).next();

/** The user's latest KYC fee payment, as eligibility reads it. */
export async function kycPaymentView(db: Db, userId: string): Promise<KycPaymentView | null> {
  const payment = await latestPayment(db, userId, 'kyc');
  return payment ? { status: payment.status, consumed: payment.consumedBy != null } : null; // missing counts as unused
}

/** Marks a completed, unused payment of `type` as used by `consumer`; null when there is none. */
export async function consumePayment(db: Db, userId: string, type: PaymentType, consumer: string): Promise<FeePaymentDoc | null> {
  return payments(db).findOneAndUpdate(
    { userId, type, status: 'completed', consumedBy: null },
    { $set: { consumedBy: consumer } },
    { sort: { createdAt: 1 }, returnDocument: 'after' },
  );
}

/** Gives a consumed payment back (its purchase failed), if `consumer` still holds it. */
export async function releasePayment(db: Db, paymentId: string, consumer: string): Promise<void> {
  await payments(db).updateOne({ _id: paymentId, consumedBy: consumer }, { $set: { consumedBy: null } });
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
  await openClaims(db).deleteOne({ _id: `${userId}:${type}`, paymentId });
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
