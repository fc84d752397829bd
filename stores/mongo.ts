import { MongoClient, type Db } from 'mongodb';
import { ensureKycProfileIndexes } from './kyc-profiles.store.js';
import { ensurePaymentIndexes } from './payments.store.js';
import { ensureCardIndexes } from './cards.store.js';
import { ensureFingerprintIndexes } from './liveness-fingerprints.store.js';
import { ensureDataKeyIndexes } from '../codec/data-keys.js';
import { ensureErasureLogIndexes } from './erasure-log.store.js';
import { ensureFileIndexes } from './files.store.js';
import { ensureReviewQueueIndexes } from './review-queue.store.js';
import { ensureReviewerIndexes } from './reviewers.store.js';
import { ensureScreeningListIndexes } from './screening-lists.store.js';
import { ensureScreeningSubjectIndexes } from './screening-subjects.store.js';
import { ensureScreeningAlertIndexes } from './screening-alerts.store.js';
import { ensureIdentityIndexes } from './identities.store.js';

export interface Mongo {
  client: MongoClient;
  db: Db;
}

/** Connects and makes sure the indexes exist (idempotent). */
export async function connectMongo(url: string, dbName: string): Promise<Mongo> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, appName: 'kycflow' });
  await client.connect();
  const db = client.db(dbName);
  await ensureKycProfileIndexes(db);
  await ensurePaymentIndexes(db);
  await ensureCardIndexes(db);
  await ensureFingerprintIndexes(db);
  await ensureDataKeyIndexes(db);
  await ensureErasureLogIndexes(db);
  await ensureFileIndexes(db);
  await ensureReviewQueueIndexes(db);
  await ensureReviewerIndexes(db);
  await ensureScreeningListIndexes(db);
  await ensureScreeningSubjectIndexes(db);
  await ensureScreeningAlertIndexes(db);
  await ensureIdentityIndexes(db);
  return { client, db };
}

export async function pingMongo(db: Db): Promise<void> {
  await db.command({ ping: 1 });
}

