// The vision worker process: OCR, document quality, face match and liveness scoring on the
// `<TEMPORAL_TASK_QUEUE>-vision` task queue; scale it out with more processes or machines.
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/config.js';
import { once } from '../domain/once.js';
import { visionTaskQueueOf } from '../domain/task-queues.js';
import { connectMongo } from '../stores/mongo.js';
import { createFaceAnalyzer, createLivenessPool } from '../vision/face/index.js';
import { createDocumentReader } from '../vision/ocr/document-reader.js';
import { lowerCpuPriority } from './process-priority.js';
import { createVisionWorker } from './worker.js';

const config = loadConfigOrExit();
lowerCpuPriority(config.VISION_WORKER_NICE); // before the OCR and face threads start: they inherit it
// The SDK's own Prometheus exporter: activity metrics plus ours (OCR, quality, liveness durations).
Runtime.install({
  telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.VISION_WORKER_METRICS_PORT}` } } },
});
const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const documentReader = await createDocumentReader({ workers: config.OCR_WORKERS || undefined, nameSureConfidence: config.OCR_NAME_SURE_CONFIDENCE });
const faceAnalyzer = once(createFaceAnalyzer);
const livenessPool = config.LIVENESS_THREADS > 0 ? createLivenessPool(config.LIVENESS_THREADS) : undefined;
void livenessPool?.warm(); // loads the models beside the worker's start, not on the first user's clips
const worker = await createVisionWorker({ config, connection, db: mongo.db, documentReader, faceAnalyzer, ...(livenessPool ? { livenessPool } : {}) });
console.log(`vision worker polling task queue "${visionTaskQueueOf(config.TEMPORAL_TASK_QUEUE)}" on ${config.TEMPORAL_ADDRESS}`);
await worker.run();
await documentReader.close();
await livenessPool?.close();
await connection.close();
await mongo.client.close();
