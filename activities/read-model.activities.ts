import type { Db } from 'mongodb';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import { releaseActiveProfile, saveKycProfile } from '../stores/kyc-profiles.store.js';

export interface SaveKycProfileInput {
  version: number;
  status: KycStatusDto;
  /** A final profile frees the user to start a new one. */
  final: boolean;
}

/** Read-model projections of workflow state. Idempotent: safe to retry and to replay. */
export function createReadModelActivities(db: Db) {
  return {
    async saveKycProfile({ version, status, final }: SaveKycProfileInput): Promise<void> {
      await saveKycProfile(db, version, status);
      if (final) await releaseActiveProfile(db, status.userId, status.profileId);
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;
