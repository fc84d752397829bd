// The worker process: connects to Temporal and MongoDB, runs until SIGINT/SIGTERM.
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createFaceAnalyzer } from '../vision/face/index.js';
import { createDocumentReader } from '../vision/ocr/document-reader.js';
import { once } from '../domain/once.js';
import { loadConfigOrExit } from '../config/config.js';
import { connectMongo } from '../stores/mongo.js';
import { createWorker } from './worker.js';

const config = loadConfigOrExit();
// The SDK's own Prometheus exporter: task and activity metrics plus ours (OCR durations, …).
Runtime.install({
  telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.WORKER_METRICS_PORT}` } } },
});
const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const documentReader = await createDocumentReader({ workers: config.OCR_WORKERS || undefined });
const faceAnalyzer = once(createFaceAnalyzer);
const worker = await createWorker({ config, connection, db: mongo.db, documentReader, faceAnalyzer });
console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}`);
await worker.run(); // resolves after the SDK's own SIGINT/SIGTERM handling drains the worker
await documentReader.close();
await connection.close();
await mongo.client.close();
