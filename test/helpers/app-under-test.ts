import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createFaceAnalyzer, createLivenessPool } from '../../vision/face/index.js';
import { createDocumentReader } from '../../vision/ocr/document-reader.js';
import { signBody } from '../../domain/hmac-signature.js';
import { once } from '../../domain/once.js';
import { buildApp } from '../../api/app.js';
import { temporalConnectionOptions } from '../../api/unavailable.js';
import { encryptingDataConverter } from '../../codec/payload-codec.js';
import { signAccessToken } from '../../api/tokens.js';
import { loadConfig, type Config } from '../../config/config.js';
import { buildSimulators } from '../../simulators/simulators.js';
import { connectMongo, type Mongo } from '../../stores/mongo.js';
import { importListFiles } from '../../activities/screening-lists.activities.js';
import { DEV_LIST_PATHS } from '../../screening/lists/dev-lists.js';
import { createVisionWorker, createWorker } from '../../worker/worker.js';

/**
 * The real API (over HTTP on a random port) and a real worker, against the Temporal and MongoDB
 * servers the test runner started. Each instance gets its own task queue and database, so test
 * files never see each other's data.
 */
export interface AppUnderTest {
  config: Config;
  baseUrl: string;
  /** Where the provider simulators (Vexora, payments) listen for this app. */
  simulatorUrl: string;
  app: FastifyInstance;
  client: Client;
  mongo: Mongo;
  restartWorker(): Promise<void>;
  token(userId: string, role?: 'user' | 'admin'): string;
  close(): Promise<void>;
}

export function requireStackEnv(): void {
  if (!process.env.TEMPORAL_ADDRESS || !process.env.MONGODB_URL) {
    throw new Error('TEMPORAL_ADDRESS and MONGODB_URL are unset: run the suite with `npm test`, which starts them');
  }
}

let runtimeInstalled = false;

/** The SDK logs every worker state change at INFO; tests only want warnings. */
function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export async function startAppUnderTest(overrides: Record<string, string> = {}, opts: { logStream?: NodeJS.WritableStream } = {}): Promise<AppUnderTest> {
  requireStackEnv();
  quietTemporalRuntime();
  const suffix = randomBytes(4).toString('hex');
  let baseUrl = '';
  const base = { ...process.env, NODE_ENV: 'test', PORT: '0', KYC_FEE_WAIVED: 'true', TEMPORAL_TASK_QUEUE: `test-${suffix}`, MONGODB_DB: `kycflow_test_${suffix}`, ...overrides };
  // The provider simulators, over real HTTP; webhooks go to this app once it listens.
  const simulators = await buildSimulators(loadConfig(base), { webhookUrl: () => `${baseUrl}/payments/callback`, issuerWebhookUrl: () => `${baseUrl}/card/callback` });
  const simulatorUrl = await simulators.listen({ host: '127.0.0.1', port: 0 });
  const config = loadConfig({ ...base, PAYMENTS_BASE_URL: simulatorUrl, VEXORA_BASE_URL: simulatorUrl, ISSUER_BASE_URL: simulatorUrl });
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  await importListFiles(mongo.db, DEV_LIST_PATHS); // sanctions screening needs a list
  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const bundlePath = process.env.KYCFLOW_WORKFLOW_BUNDLE;
  const documentReader = await createDocumentReader({ workers: 1 });
  const faceAnalyzer = once(createFaceAnalyzer);
  const workflowBundle = bundlePath ? { code: readFileSync(bundlePath, 'utf8') } : undefined;
  const newWorker = () => createWorker({ config, connection: nativeConnection, db: mongo.db, workflowBundle });
  let worker = await newWorker();
  let running = worker.run();
  // The vision worker on its own task queue, as in production (a separate process there).
  // Liveness clips on worker threads as in production (LIVENESS_THREADS); threads start on first use.
  const livenessPool = config.LIVENESS_THREADS > 0 ? createLivenessPool(config.LIVENESS_THREADS) : undefined;
  const visionWorker = await createVisionWorker({ config, connection: nativeConnection, db: mongo.db, documentReader, faceAnalyzer, ...(livenessPool ? { livenessPool } : {}) });
  const visionRunning = visionWorker.run();
  const connection = await Connection.connect(temporalConnectionOptions(config.TEMPORAL_ADDRESS));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, mongo.db) });
  const app = await buildApp({ config, client, db: mongo.db, logStream: opts.logStream });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    config,
    baseUrl,
    simulatorUrl,
    app,
    client,
    mongo,
    /** Stops the workflow worker at once (in-flight activities are abandoned, as if it crashed) and starts a new one. */
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await newWorker();
      running = worker.run();
    },
    token: (userId, role = 'user') => signAccessToken(config, { sub: userId, role }),
    async close() {
      await app.close();
      await simulators.close();
      worker.shutdown();
      visionWorker.shutdown();
      await Promise.all([running, visionRunning]);
      await documentReader.close();
      await livenessPool?.close();
      await connection.close();
      await nativeConnection.close();
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.client.close();
    },
  };
}

/** A JSON request to the API under test; returns status and parsed body. */
export async function api(
  target: AppUnderTest,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(target.baseUrl + path, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * POSTs `body` as a sender's signed callback would: HMAC-SHA256 of "<timestamp>.<body>" in the
 * sender's two headers (`x-payments-…`, `x-issuer-…`, `x-kyc-…`).
 */
export async function signedCallback(
  target: AppUnderTest,
  path: string,
  body: object,
  opts: { sender: 'payments' | 'issuer' | 'kyc'; secret: string },
): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(body);
  const timestamp = String(Date.now());
  const res = await fetch(target.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [`x-${opts.sender}-timestamp`]: timestamp, [`x-${opts.sender}-signature`]: signBody(opts.secret, timestamp, raw) },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}
