import type { Db } from 'mongodb';
import { isDuplicateKey } from './mongo-errors.js';

/**
 * Which list entry, as its content stood (`entryHash`), has been raised against which profile: a
 * re-run (a retried page, a repeated trigger, a manual run naming versions already screened)
 * never raises an unchanged entry twice; an entry whose content changed is raised anew.
 */
export async function claimAlert(db: Db, profileId: string, entryId: string, entryHash: string): Promise<boolean> {
  try {
    await db.collection<{ _id: string; profileId: string; at: Date }>('screening_alerts').insertOne({ _id: `${profileId}|${entryId}|${entryHash}`, profileId, at: new Date() });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Erasure: the alerts raised against these profiles. */
export async function deleteAlertsOf(db: Db, profileIds: string[]): Promise<number> {
  return (await db.collection('screening_alerts').deleteMany({ profileId: { $in: profileIds } })).deletedCount;
}

export async function ensureScreeningAlertIndexes(db: Db): Promise<void> {
  await db.collection('screening_alerts').createIndex({ profileId: 1 }, { name: 'by_profile' });
  // Kept for deployments that have it (monitoring paged approved profiles by stage before).
  await db.collection('kyc_profiles').createIndex({ stage: 1, _id: 1 }, { name: 'by_stage_id' });
}
