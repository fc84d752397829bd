import type { Db } from 'mongodb';
import { agentUidOf, formatProfileId, kycRecordIdOf } from '../../domain/ids.js';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import { statusOfStage } from '../../domain/kyc-profile.js';
import { emptyReviewState } from '../../domain/review.js';

/**
 * Read-model documents for `count` users (profiles, per-user summaries, KYC fee payments and card
 * tasks), written straight into MongoDB in the shapes the workflows' activities write. Users are
 * `bench_<i>`; ids are derived from `i`, so a request can pick any user without a lookup.
 */
export const userOf = (i: number) => `bench_${i}`;
export const profileOf = (i: number) => formatProfileId(i.toString(16).padStart(24, '0'));
export const paymentOf = (i: number) => `pay_${i.toString(16).padStart(24, '0')}`;
export const taskOf = (i: number) => `task_${i.toString(16).padStart(24, '0')}`;

export async function seedUsers(db: Db, from: number, to: number): Promise<void> {
  const BATCH = 1_000;
  for (let start = from; start < to; start += BATCH) {
    const range = Array.from({ length: Math.min(BATCH, to - start) }, (_, k) => start + k);
    await Promise.all([
      db.collection('kyc_profiles').insertMany(range.map((i) => profileDoc(i)) as never[]),
      db.collection('kyc_users').insertMany(range.map((i) => userDoc(i)) as never[]),
      db.collection('fee_payments').insertMany(range.map(paymentDoc) as never[]),
      db.collection('card_applications').insertMany(range.map(taskDoc) as never[]),
    ]);
  }
}

const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1_000);

function status(i: number, stage: 'LIVENESS' | 'APPROVED' = 'LIVENESS'): KycStatusDto {
  const createdAt = at(i).toISOString();
  const profileId = profileOf(i);
  return {
    profileId,
    recordId: kycRecordIdOf(profileId),
    agentUid: agentUidOf(userOf(i), createdAt, profileId),
    userId: userOf(i),
    country: 'SG',
    stage,
    status: statusOfStage(stage),
    document: {
      documentId: 100_000_000_000 + i, origin: 'UPLOAD', docType: 'PASSPORT', country: 'SG', frontFileId: '65f000000000000000000001', backFileId: null,
      frontImageUrl: null, backImageUrl: null, readSource: 'MRZ', mrzFormat: 'TD3', mrzValid: true,
      quality: { passed: true, scores: { resolution: 1, sharpness: 0.91, glare: 0.02, brightness: 0.55 } } as never,
      extracted: { name: 'JANE CITIZEN', idNumber: `E${String(i).padStart(8, '0')}`, birthDate: '1990-04-12', expiryDate: '2031-05-30', issuer: 'SGP', nationality: 'SGP' },
      confidence: { name: 0.93, idNumber: 0.99, birthDate: 0.99, expiryDate: 0.99, issuer: 0.99, nationality: 0.99 },
      confirmed: null, userModified: false, reviewStatus: 1, uploadedAt: createdAt, confirmedAt: createdAt, submittedAt: createdAt,
    } as never,
    liveness: { sessions: [], callbacks: [] } as never,
    faceMatch: null,
    provider: null,
    reviewReasons: [],
    decisions: [],
    reviewOverdue: false,
    failReason: null,
    resubmission: null,
    review: emptyReviewState(),
    createdAt,
    updatedAt: createdAt,
  };
}

/** A profile's read-model document (approved customers for the monitoring bench). */
export function profileDoc(i: number, stage: 'LIVENESS' | 'APPROVED' = 'LIVENESS') {
  const s = status(i, stage);
  return { ...s, _id: s.profileId, version: 5, createdAt: at(i), updatedAt: at(i) };
}

/** A user's summary document (its latest profile). */
export function userDoc(i: number, stage: 'LIVENESS' | 'APPROVED' = 'LIVENESS') {
  const s = status(i, stage);
  return {
    _id: userOf(i),
    latestProfile: { profileId: s.profileId, recordId: s.recordId, agentUid: s.agentUid, stage: s.stage, failReason: null, version: 5, createdAt: at(i), updatedAt: at(i) },
    kycPayment: { paymentId: paymentOf(i), status: 'completed', version: 3, createdAt: at(i) },
    kycPaymentUsed: { paymentId: paymentOf(i), profileId: s.profileId },
  };
}

function paymentDoc(i: number) {
  return {
    _id: paymentOf(i), paymentId: paymentOf(i), userId: userOf(i), type: 'kyc', amount: 500, currency: 'USD', status: 'completed',
    checkoutUrl: `http://127.0.0.1:4010/checkout/${paymentOf(i)}`, intentId: `pi_${i}`, failureReason: null, eventIds: [`evt_${i}`],
    version: 3, createdAt: at(i), updatedAt: at(i), expiresAt: at(i + 1_800), consumedBy: profileOf(i),
  };
}

function taskDoc(i: number) {
  return {
    _id: taskOf(i), taskId: taskOf(i), userId: userOf(i), kycId: kycRecordIdOf(profileOf(i)), paymentId: paymentOf(i), physical: false,
    stage: 'ISSUED', stages: [{ stage: 'ISSUING', at: at(i).toISOString() }, { stage: 'ISSUED', at: at(i).toISOString() }],
    cardId: 4_000_000 + i, panLast4: '4242', failureReason: null, version: 2, createdAt: at(i), updatedAt: at(i),
  };
}
