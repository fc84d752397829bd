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
import { ensureFaceDescriptorIndexes } from './face-descriptors.store.js';

export interface Mongo {
  client: MongoClient;
  db: Db;
}

/** Every store's indexes, created (if missing) at connect. A new store adds its own here. */
const INDEX_BUILDERS: ReadonlyArray<(db: Db) => Promise<unknown>> = [
  ensureKycProfileIndexes,
  ensurePaymentIndexes,
  ensureCardIndexes,
  ensureFingerprintIndexes,
  ensureDataKeyIndexes,
  ensureErasureLogIndexes,
  ensureFileIndexes,
  ensureReviewQueueIndexes,
  ensureReviewerIndexes,
  ensureScreeningListIndexes,
  ensureScreeningSubjectIndexes,
  ensureScreeningAlertIndexes,
  ensureIdentityIndexes,
  ensureFaceDescriptorIndexes,
];

/** Connects and makes sure the indexes exist (idempotent). */
export async function connectMongo(url: string, dbName: string): Promise<Mongo> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, appName: 'kycflow' });
  await client.connect();
  const db = client.db(dbName);
  // One after the other: the embedded FerretDB (SQLite) serialises schema changes anyway.
  for (const ensure of INDEX_BUILDERS) await ensure(db);
  return { client, db };
}

export async function pingMongo(db: Db): Promise<void> {
  await db.command({ ping: 1 });
}

