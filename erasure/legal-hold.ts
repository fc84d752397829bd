import type { Db } from 'mongodb';
import { legalHoldOf, type LegalHold } from '../domain/data-protection.js';
import { cardApplicationsOfUser } from '../stores/cards.store.js';
import { profilesOfUser } from '../stores/kyc-profiles.store.js';
import { paymentsOfUser } from '../stores/payments.store.js';

/**
 * Whether the user is an approved customer whose records the law still requires us to keep. The
 * relationship's end is its last recorded activity (a profile, card or payment change): kycflow
 * sees no account closure, so an active customer stays held.
 */
export async function legalHoldOfUser(db: Db, userId: string, approvedYears: number, now = new Date()): Promise<LegalHold | null> {
  const [profiles, cards, payments] = await Promise.all([profilesOfUser(db, userId), cardApplicationsOfUser(db, userId), paymentsOfUser(db, userId)]);
  const approved = profiles.some((p) => p.stage === 'APPROVED' && !p.erasedAt);
  const times = [...profiles, ...cards, ...payments].map((record) => record.updatedAt.getTime());
  const endedAt = times.length ? new Date(Math.max(...times)).toISOString() : null;
  return legalHoldOf(approved, endedAt, approvedYears, now.getTime());
}
