import { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { fileURLToPath } from 'node:url';
import { createVisionActivities, createWorkflowWorkerActivities, type ActivityConfig } from '../activities/index.js';
import type { FaceAnalyzer, LivenessPool } from '../vision/face/index.js';
import type { DocumentReader } from '../vision/ocr/document-reader.js';
import { encryptingDataConverter } from '../codec/payload-codec.js';
import type { Config } from '../config/config.js';
import { visionTaskQueueOf } from '../domain/task-queues.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'PAYLOAD_ENCRYPTION_KEYS'> & ActivityConfig;
  connection: NativeConnection;
  db: Db;
  /** A pre-built bundle (tests build it once); otherwise the worker bundles `workflows/` itself. */
  workflowBundle?: WorkflowBundle;
}

export interface VisionWorkerDeps extends Omit<WorkerDeps, 'workflowBundle'> {
  config: WorkerDeps['config'] & Pick<Config, 'VISION_CONCURRENCY'>;
  documentReader: DocumentReader;
  faceAnalyzer: () => Promise<FaceAnalyzer>;
  livenessPool?: LivenessPool;
}

/**
 * The workflow worker: every workflow and the light activities (read models, files, provider,
 * issuer and payment calls) on the task queue. It loads no vision library, so workflow tasks are
 * never queued behind OCR or face scoring. The caller runs and shuts it down.
 */
export function createWorker({ config, connection, db, workflowBundle }: WorkerDeps): Promise<Worker> {
  const dataConverter = encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, db);
  // Activities that start or signal workflows (monitoring reopens profiles) use this client.
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createWorkflowWorkerActivities({ config, db, temporal: client }),
  });
}

/**
 * The vision worker: OCR, document quality, face match and liveness scoring on their own task
 * queue, no workflows. Run as many as the load needs, on as many machines: each takes at most
 * `VISION_CONCURRENCY` tasks at once and leaves the rest to the others.
 */
export function createVisionWorker({ config, connection, db, documentReader, faceAnalyzer, livenessPool }: VisionWorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: visionTaskQueueOf(config.TEMPORAL_TASK_QUEUE),
    dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, db),
    activities: createVisionActivities({ config, db, documentReader, faceAnalyzer, ...(livenessPool ? { livenessPool } : {}) }),
    maxConcurrentActivityTaskExecutions: config.VISION_CONCURRENCY,
  });
}
