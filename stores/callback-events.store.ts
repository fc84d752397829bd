import type { Db } from 'mongodb';
import { isDuplicateKey } from './mongo-errors.js';

/**
 * Signed server-to-server deliveries already received, so a delivery replayed within its
 * signature window is ignored. `_id` is `{source}:{deliveryId}`; unique by construction.
 */
const deliveries = (db: Db) => db.collection<{ _id: string; at: Date }>('callback_deliveries');

/** True the first time a delivery is seen; false for a repeat. */
export async function claimDelivery(db: Db, source: string, deliveryId: string): Promise<boolean> {
  try {
    await deliveries(db).insertOne({ _id: `${source}:${deliveryId}`, at: new Date() });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Forgets a delivery that could not be applied, so the sender's retry is not mistaken for a replay. */
export async function releaseDelivery(db: Db, source: string, deliveryId: string): Promise<void> {
  await deliveries(db).deleteOne({ _id: `${source}:${deliveryId}` });
}
