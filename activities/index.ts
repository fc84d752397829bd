import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { dataKeyRingFor, parseEncryptionKeys } from '../codec/payload-codec.js';
import { createErasureActivities } from './erasure.activities.js';
import type { Config } from '../config/config.js';
import { createCardActivities } from './card.activities.js';
import { createDocumentActivities, createDocumentFileActivities } from './document.activities.js';
import type { FaceAnalyzer, LivenessPool } from '../vision/face/index.js';
import { createLivenessActivities, type FaceSettings } from './liveness.activities.js';
import type { DocumentReader } from '../vision/ocr/document-reader.js';
import { createPaymentActivities } from './payment.activities.js';
import { createProviderActivities } from './provider.activities.js';
import { createReadModelActivities } from './read-model.activities.js';
import { createVexoraClient } from './vexora.client.js';
import { createWebhookActivities } from './webhook.activities.js';
import { createScreeningActivities } from './screening.activities.js';
import { createScreeningIndexCache } from './screening-index.cache.js';
import { createFaceDuplicateActivities } from './face-duplicates.activities.js';
import { createFaceIndexCache } from './face-index.cache.js';
import { createMonitoringActivities } from './screening-monitor.activities.js';

export interface ActivityDeps {
  config: ActivityConfig;
  db: Db;
  /** One warm OCR pool per worker process. */
  documentReader: DocumentReader;
  /** The face models, loaded on first use, once per worker process. */
  faceAnalyzer: () => Promise<FaceAnalyzer>;
  /** Threads that score a session's liveness clips side by side (LIVENESS_THREADS); none = in turn. */
  livenessPool?: LivenessPool;
}

export type ActivityConfig = Pick<Config, 'PAYMENTS_BASE_URL' | 'PAYMENTS_API_KEY' | 'VEXORA_BASE_URL' | 'VEXORA_MERCHANT_NO' | 'VEXORA_APP_SECRET' | 'FACE_DESCRIPTOR_MODEL' | 'FACE_DESCRIPTOR_FLIP' | 'FACE_MATCH_THRESHOLD' | 'FACE_NO_MATCH_THRESHOLD' | 'FACE_COPY_DISTANCE' | 'LIVENESS_MOIRE_LIMIT' | 'LIVENESS_ANTISPOOF_MIN' | 'WEBHOOK_URL' | 'WEBHOOK_SECRET' | 'ISSUER_BASE_URL' | 'ISSUER_API_KEY' | 'PAYLOAD_ENCRYPTION_KEYS' | 'SCREENING_HIT_THRESHOLD' | 'TEMPORAL_TASK_QUEUE' | 'IDENTITY_HASH_SECRET'>;

function faceSettings(config: ActivityConfig): FaceSettings {
  return {
    descriptorModel: config.FACE_DESCRIPTOR_MODEL,
    flip: config.FACE_DESCRIPTOR_FLIP,
    bands: { match: config.FACE_MATCH_THRESHOLD, noMatch: config.FACE_NO_MATCH_THRESHOLD },
    copyDistance: config.FACE_COPY_DISTANCE,
    presentation: { maxMoire: config.LIVENESS_MOIRE_LIMIT, minAntispoof: config.LIVENESS_ANTISPOOF_MIN },
  };
}

/**
 * The light activities the workflow worker runs: read models, files, provider and issuer calls,
 * sanctions screening (an in-memory index) and monitoring (`temporal` reopens profiles).
 */
export function createWorkflowWorkerActivities(deps: Pick<ActivityDeps, 'config' | 'db'> & { temporal: Client }) {
  const keys = parseEncryptionKeys(deps.config.PAYLOAD_ENCRYPTION_KEYS);
  const threshold = deps.config.SCREENING_HIT_THRESHOLD;
  return {
    ...createReadModelActivities(deps.db),
    discardFiles: createDocumentFileActivities(deps.db).discardFiles,
    ...createPaymentActivities(deps.db, { baseUrl: deps.config.PAYMENTS_BASE_URL, apiKey: deps.config.PAYMENTS_API_KEY }),
    ...createCardActivities(deps.db, { baseUrl: deps.config.ISSUER_BASE_URL, apiKey: deps.config.ISSUER_API_KEY }),
    ...createWebhookActivities({ url: deps.config.WEBHOOK_URL, secret: deps.config.WEBHOOK_SECRET }),
    ...createScreeningActivities({ db: deps.db, keys, screeningIndex: createScreeningIndexCache(deps.db), threshold, identityHashSecret: deps.config.IDENTITY_HASH_SECRET }),
    ...createFaceDuplicateActivities({ db: deps.db, keys, faceIndex: createFaceIndexCache(deps.db, keys), matchBand: deps.config.FACE_MATCH_THRESHOLD, model: deps.config.FACE_DESCRIPTOR_MODEL }),
    ...createMonitoringActivities({ db: deps.db, keys, threshold, client: () => deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE }),
    ...createProviderActivities(createVexoraClient({ baseUrl: deps.config.VEXORA_BASE_URL, merchantNo: deps.config.VEXORA_MERCHANT_NO, appSecret: deps.config.VEXORA_APP_SECRET })),
    ...createErasureActivities({ db: deps.db, temporal: deps.temporal, dataKeys: dataKeyRingFor(deps.db, parseEncryptionKeys(deps.config.PAYLOAD_ENCRYPTION_KEYS)) }),
  };
}

/** The CPU-heavy activities the vision worker runs on its own task queue: OCR, quality, face, liveness. */
export function createVisionActivities(deps: ActivityDeps) {
  const { checkDocumentQuality, readDocument } = createDocumentActivities({ db: deps.db, reader: deps.documentReader });
  return {
    checkDocumentQuality,
    readDocument,
    ...createLivenessActivities({ db: deps.db, faceAnalyzer: deps.faceAnalyzer, livenessPool: deps.livenessPool, face: faceSettings(deps.config), keys: parseEncryptionKeys(deps.config.PAYLOAD_ENCRYPTION_KEYS) }),
  };
}
