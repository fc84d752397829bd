// The workflow worker process: connects to Temporal and MongoDB, runs until SIGINT/SIGTERM.
// Vision work (OCR, face, liveness) runs in worker/vision-main.ts, on its own task queue.
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { encryptingDataConverter } from '../codec/payload-codec.js';
import { ensureRetentionSchedule } from '../erasure/retention-schedule.js';
import { loadConfigOrExit } from '../config/config.js';
import { connectMongo } from '../stores/mongo.js';
import { createWorker } from './worker.js';
import { ensureScreeningSchedule } from './screening-schedule.js';

const config = loadConfigOrExit();
// The SDK's own Prometheus exporter: task and activity metrics.
Runtime.install({
  telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.WORKER_METRICS_PORT}` } } },
});
const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createWorker({ config, connection, db: mongo.db });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, mongo.db) });
const schedule = await ensureRetentionSchedule(client, config);
console.log(`retention sweep schedule ${schedule}: "${config.RETENTION_SWEEP_CRON}" (UTC)${config.RETENTION_SWEEP_DRY_RUN ? ', dry run' : ''}`);
await ensureScreeningSchedule(client, config);
console.log(`workflow worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}`);
await worker.run(); // resolves after the SDK's own SIGINT/SIGTERM handling drains the worker
await connection.close();
await mongo.client.close();
