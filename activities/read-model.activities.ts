import type { Db } from 'mongodb';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import { claimActiveProfile, releaseActiveProfile, saveKycProfile } from '../stores/kyc-profiles.store.js';

export interface SaveKycProfileInput {
  version: number;
  status: KycStatusDto;
  /** A final profile frees the user to start a new one; one that is not (again, after a reset) holds the claim. */
  final: boolean;
}

/** Read-model projections of workflow state. Idempotent: safe to retry and to replay. */
export function createReadModelActivities(db: Db) {
  return {
    async saveKycProfile({ version, status, final }: SaveKycProfileInput): Promise<void> {
      // One active profile per user: a decided profile an admin reset to review is active again.
      // The claim is taken before the read model shows the profile open, and freed after it shows it final.
      if (!final) await claimActiveProfile(db, status.userId, status.profileId);
      await saveKycProfile(db, version, status);
      if (final) await releaseActiveProfile(db, status.userId, status.profileId);
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;
