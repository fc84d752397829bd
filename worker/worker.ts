import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityConfig } from '../activities/index.js';
import type { FaceAnalyzer } from '../vision/face/index.js';
import type { DocumentReader } from '../vision/ocr/document-reader.js';
import { encryptingDataConverter } from '../codec/payload-codec.js';
import type { Config } from '../config/config.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'PAYLOAD_ENCRYPTION_KEYS'> & ActivityConfig;
  connection: NativeConnection;
  db: Db;
  documentReader: DocumentReader;
  faceAnalyzer: () => Promise<FaceAnalyzer>;
  /** A pre-built bundle (tests build it once); otherwise the worker bundles `workflows/` itself. */
  workflowBundle?: WorkflowBundle;
}

/** The worker for every workflow and activity on the task queue; the caller runs and shuts it down. */
export function createWorker({ config, connection, db, documentReader, faceAnalyzer, workflowBundle }: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, db),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ config, db, documentReader, faceAnalyzer }),
  });
}
