// The API process: connects to Temporal and MongoDB and serves HTTP until SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { encryptingDataConverter } from '../codec/payload-codec.js';
import { loadConfigOrExit } from '../config/config.js';
import { connectMongo } from '../stores/mongo.js';
import { buildApp } from './app.js';
import { temporalConnectionOptions } from './unavailable.js';
import { startMetricsServer } from './plugins/metrics.js';

const config = loadConfigOrExit();
const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
const connection = await Connection.connect(temporalConnectionOptions(config.TEMPORAL_ADDRESS));
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, mongo.db) });
const app = await buildApp({ config, client, db: mongo.db });

const metricsServer = await startMetricsServer(app.metrics, config.METRICS_HOST, config.API_METRICS_PORT);

async function shutdown(signal: string): Promise<void> {
  app.log.info(`${signal}: shutting down`);
  metricsServer.close();
  await app.close();
  await connection.close();
  await mongo.client.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ host: config.HOST, port: config.PORT });
