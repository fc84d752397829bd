import type { Db } from 'mongodb';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import { findKycProfile, profileDto } from '../stores/kyc-profiles.store.js';

export type ErasedRecord = KycStatusDto & { erasedAt: string };

/**
 * An erased profile's redacted record (what the law keeps), or null when it was not erased. Its
 * workflow's history can no longer be read, so routes answer this instead of asking the workflow.
 */
export async function erasedProfileRecord(db: Db, profileId: string): Promise<ErasedRecord | null> {
  const doc = await findKycProfile(db, profileId);
  return doc?.erasedAt ? (profileDto(doc) as ErasedRecord) : null;
}
