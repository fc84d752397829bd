// `npm run bench:api [-- --sizes 1000,100000 --duration 8]`: the API under load on this machine,
// side by side with plain Fastify in the same run. The stack runs as `npm run dev` starts it (API,
// workflow worker, vision worker, FerretDB, Temporal dev server: fresh, on free ports), with rate
// limits raised for the load. At each size, profiles are seeded straight into the read model;
// then each read route and the submit path are measured (50 connections). The submit path has two
// baselines on the same Temporal server: bare workflow starts (the server alone), and a minimal
// workflow of the submit's shape answering Update-with-Start from its own worker process
// (bench/api/minimal-workflow.ts: what Temporal and any worker cost). Prints figures, not pass/fail.
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import autocannon from 'autocannon';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { signAccessToken } from '../api/tokens.js';
import { loadConfig } from '../config/config.js';
import { freePort, spawnService, stopService, waitUntilReady, type Service } from '../devstack/processes.js';
import { startTestStack } from '../devstack/test-stack.js';
import { ROOT } from '../devstack/tools.js';
import type { Db } from 'mongodb';
import { connectMongo } from '../stores/mongo.js';
import { generateDocument } from '../test/support/synthetic-documents.js';
import { paymentOf, profileOf, seedUsers, taskOf, userOf } from './api/seed.js';
import { readyUpdate, type minimalProfileWorkflow } from './api/minimal-workflow.js';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '1000,100000' }, duration: { type: 'string', default: '8' }, submits: { type: 'string', default: '500' } } });
const SIZES = args.sizes.split(',').map(Number);
const DURATION = Number(args.duration);
const SUBMITS = Number(args.submits);
const CONNECTIONS = 50;
const SAMPLE = 5_000; // distinct users whose tokens the load generator uses at each size
const UPLOADERS = 6;

interface Row { size: number; what: string; rps: number; p50: number; p99: number; errors: number; baseline?: string; note?: string }
const rows: Row[] = [];

const dir = mkdtempSync(join(tmpdir(), 'kycflow-bench-api-'));
const services: Service[] = [];
const stack = await startTestStack();
const [apiPort, plainPort] = await Promise.all([freePort(), freePort()]);
const env = {
  ...stack.env,
  NODE_ENV: 'development',
  HOST: '127.0.0.1',
  PORT: String(apiPort),
  MONGODB_DB: 'kycflow_bench',
  TEMPORAL_TASK_QUEUE: `bench-${randomBytes(3).toString('hex')}`,
  KYC_FEE_WAIVED: 'true',
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000000000',
  RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
  OCR_WORKERS: '1',
  VISION_WORKER_NICE: '0', // measured at 0, then raised to the default (the uploads row)
};
const config = loadConfig(env);
const base = `http://127.0.0.1:${apiPort}`;
const bareQueue = `bare-${randomBytes(3).toString('hex')}`; // no worker polls it: the server alone
const minimalQueue = `minimal-${randomBytes(3).toString('hex')}`;

try {
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection });

  for (const [name, entry] of processesOf(env)) {
    const metrics = { API_METRICS_PORT: String(await freePort()), WORKER_METRICS_PORT: String(await freePort()), VISION_WORKER_METRICS_PORT: String(await freePort()) };
    services.push(spawnService(name, process.execPath, ['--import', 'tsx', join(ROOT, entry)], { env: { ...env, ...metrics }, cwd: ROOT, logFile: join(dir, `${name}.log`) }));
  }
  await waitUntilReady(services.at(-1)!, async () => {
    const res = await fetch(`${base}/readyz`);
    if (!res.ok) throw new Error(`readyz ${res.status}`);
  }, 120_000);
  const minimalWorker = spawnService('minimal-worker', process.execPath, ['--import', 'tsx', join(ROOT, 'bench/api/minimal-worker.ts')], { env: { TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, MINIMAL_TASK_QUEUE: minimalQueue }, cwd: ROOT, logFile: join(dir, 'minimal-worker.log') });
  services.push(minimalWorker);
  await waitUntilReady(minimalWorker, async () => {
    if (!readFileSync(minimalWorker.logFile!, 'utf8').includes('minimal worker ready')) throw new Error('bundling');
  }, 120_000);

  let seeded = 0;
  for (const size of SIZES) {
    const started = Date.now();
    await seedUsers(mongo.db, seeded, size);
    seeded = size;
    console.log(`seeded ${size} users in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    const sample = Array.from({ length: Math.min(SAMPLE, size) }, () => Math.floor(Math.random() * size));
    const tokens = new Map(sample.map((i) => [i, signAccessToken(config, { sub: userOf(i), role: 'user' })]));
    if (size === SIZES[0]) await startPlain(sample[0]!, tokens.get(sample[0]!)!);

    // Each route right after its own plain-Fastify run: the machine is shared, so pairs compare fairly.
    const read = async (what: string, path: (i: number) => string) => {
      const plain = await load(`http://127.0.0.1:${plainPort}`, () => ({ path: '/plain' }));
      const route = await load(base, () => {
        const i = sample[Math.floor(Math.random() * sample.length)]!;
        return { path: path(i), headers: { authorization: `Bearer ${tokens.get(i)}` } };
      });
      rows.push({ size, what, ...route, baseline: `${share(route.rps, plain.rps)} of ${plain.rps.toFixed(0)}` });
    };
    // The same app without a database call: what auth, limits, logging and metrics cost alone.
    await read('GET /healthz (same API, no database)', () => '/healthz');
    await read('GET /api/web/kycService/status/{profileId}', (i) => `/api/web/kycService/status/${profileOf(i)}`);
    // The status route's one database read, made by this process alone: the embedded server's ceiling.
    const alone = await findsAlone(mongo.db, () => profileOf(sample[Math.floor(Math.random() * sample.length)]!));
    rows.push({ size, what: 'the same read from MongoDB alone (findOne by _id, no API)', ...alone, baseline: `status route: ${share(rows.at(-1)!.rps, alone.rps)} of it` });
    await read('GET /kyc/eligibility', () => '/kyc/eligibility');
    await read('GET /didit/status', () => '/didit/status');
    await read('GET /payments/{paymentId}', (i) => `/payments/${paymentOf(i)}`);
    await read('GET /card/tasks/{taskId}', (i) => `/card/tasks/${taskOf(i)}`);
    if (size === SIZES[0]) {
      // Twice: the vision worker at normal priority, then at VISION_WORKER_NICE's default.
      for (const nice of [0, 10]) {
        reniceProcess(services.find((service) => service.name === 'vision-worker')!, nice);
        const during = await whileUploading(UPLOADERS, () => load(base, () => {
          const i = sample[Math.floor(Math.random() * sample.length)]!;
          return { path: `/api/web/kycService/status/${profileOf(i)}`, headers: { authorization: `Bearer ${tokens.get(i)}` } };
        }));
        rows.push({ size, what: `GET status while ${UPLOADERS} uploads are read (vision worker nice ${nice})`, ...during.measured, note: `${during.uploadsPerMinute.toFixed(0)} uploads/min, ${during.failed} failed` });
      }
    }

    const bare = await starts(SUBMITS, (workflowId) => client.workflow.start('bareWorkflow', { taskQueue: bareQueue, workflowId, args: [] }));
    rows.push({ size, what: `bare workflow starts (${SUBMITS}, baseline)`, ...bare });
    const minimal = await starts(SUBMITS, (workflowId) => client.workflow.executeUpdateWithStart(readyUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof minimalProfileWorkflow>('minimalProfileWorkflow', { taskQueue: minimalQueue, workflowId, workflowIdConflictPolicy: 'USE_EXISTING' }),
    }));
    rows.push({ size, what: `minimal Update-with-Start (${SUBMITS}, second baseline)`, ...minimal, baseline: `${share(minimal.rps, bare.rps)} of ${bare.rps.toFixed(0)}` });
    const submit = await submits(size, SUBMITS);
    const lost = await countLost(mongo.db, size, SUBMITS);
    rows.push({ size, what: `POST /submit (${SUBMITS} new users)`, ...submit, baseline: `${share(submit.rps, bare.rps)} of ${bare.rps.toFixed(0)}; ${share(submit.rps, minimal.rps)} of ${minimal.rps.toFixed(0)}`, note: [`${lost} lost`, submit.note].filter(Boolean).join(', ') });
  }
  printTable();
  printServerErrors();
  await connection.close();
  await mongo.client.close();
} finally {
  for (const service of services.reverse()) await stopService(service);
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Sets every thread of a service's process to a nice value (raising it needs no privilege). */
function reniceProcess(service: Service, nice: number): void {
  for (const tid of readdirSync(`/proc/${service.child.pid}/task`)) setPriority(Number(tid), nice);
}

/** The processes `npm run dev` runs besides the servers, API last (it is the one waited on). */
function processesOf(_env: Record<string, string>): Array<[string, string]> {
  return [['worker', 'worker/main.ts'], ['vision-worker', 'worker/vision-main.ts'], ['api', 'api/main.ts']];
}

/** Plain Fastify answering a body of the size of a real status answer. */
async function startPlain(i: number, token: string): Promise<void> {
  const res = await fetch(`${base}/api/web/kycService/status/${profileOf(i)}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`status of a seeded profile answered ${res.status}: ${await res.text()}`);
  const bodyFile = join(dir, 'plain-body.json');
  writeFileSync(bodyFile, await res.text());
  const plain = spawnService('plain', process.execPath, ['--import', 'tsx', join(ROOT, 'bench/api/plain-fastify.ts')], { env: { PORT: String(plainPort), PLAIN_BODY_FILE: bodyFile }, cwd: ROOT, logFile: join(dir, 'plain.log') });
  services.push(plain);
  await waitUntilReady(plain, () => fetch(`http://127.0.0.1:${plainPort}/plain`).then((r) => { if (!r.ok) throw new Error(String(r.status)); }));
}

type Measured = Pick<Row, 'rps' | 'p50' | 'p99' | 'errors' | 'note'>;

/** autocannon at CONNECTIONS connections for DURATION seconds (after a 1 s warm-up). */
async function load(url: string, request: () => { path: string; headers?: Record<string, string> }): Promise<Measured> {
  const setupRequest = (req: any) => ({ ...req, ...request() });
  await autocannon({ url, connections: CONNECTIONS, duration: 1, requests: [{ setupRequest }] });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests: [{ setupRequest }] });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/**
 * Runs `measure` while `count` users upload a synthetic passport again and again (each upload goes
 * through storage, the quality checks and OCR on the vision worker).
 */
async function whileUploading(count: number, measure: () => Promise<Measured>) {
  const png = (await generateDocument({ kind: 'TD3', seed: 3 })).png;
  const uploaders = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const userId = `uploader_${i}`;
    const token = signAccessToken(config, { sub: userId, role: 'user' });
    const res = await fetch(`${base}/api/web/kycService/submit`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ userId, country: 'SG' }) });
    return { token, profileId: ((await res.json()) as { data: { profileId: string } }).data.profileId };
  }));
  let uploaded = 0;
  let failed = 0;
  let running = true;
  const started = performance.now();
  const loops = uploaders.map(async ({ token, profileId }) => {
    while (running) {
      const form = new FormData();
      for (const [k, v] of Object.entries({ profileId, docType: 'PASSPORT', country: 'SG' })) form.set(k, v);
      form.set('frontImage', new Blob([new Uint8Array(png)]), 'passport.png');
      const res = await fetch(`${base}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      await res.arrayBuffer();
      if (res.ok) uploaded++;
      else failed++;
    }
  });
  await new Promise((r) => setTimeout(r, 3_000)); // let the uploads get going
  const measured = await measure();
  running = false;
  await Promise.all(loops);
  return { measured, uploadsPerMinute: (uploaded / (performance.now() - started)) * 60_000, failed };
}

/** `count` submits for new users, CONNECTIONS in flight. */
async function submits(size: number, count: number): Promise<Measured> {
  let n = 0;
  const setupRequest = (req: any) => {
    const userId = `submit_${size}_${n++}`;
    return { ...req, method: 'POST', path: '/api/web/kycService/submit', headers: { authorization: `Bearer ${signAccessToken(config, { sub: userId, role: 'user' })}`, 'content-type': 'application/json' }, body: JSON.stringify({ userId, country: 'SG' }) };
  };
  const started = performance.now();
  const r = await autocannon({ url: base, connections: CONNECTIONS, amount: count, timeout: 60, requests: [{ setupRequest }] });
  const statuses = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count: n }]) => `${n}×${code}`);
  const note = [...statuses, ...(r.timeouts ? [`${r.timeouts} client timeouts`] : [])].join(', ');
  return { rps: (r.requests.total / (performance.now() - started)) * 1000, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, note };
}

/**
 * Profiles of this size's submit run missing from the read model once in-flight work settled (a
 * request the load generator gave up on may still complete), waiting up to 60 s.
 */
async function countLost(db: Db, size: number, count: number): Promise<number> {
  let missing = count;
  for (let waited = 0; waited <= 60 && missing > 0; waited += 5) {
    if (waited) await new Promise((r) => setTimeout(r, 5_000));
    const users = await Promise.all(Array.from({ length: count }, (_, i) => db.collection<{ _id: string; latestProfile?: unknown }>('kyc_users').findOne({ _id: `submit_${size}_${i}` })));
    missing = users.filter((u) => !u?.latestProfile).length;
  }
  return missing;
}

/**
 * `count` workflow starts, CONNECTIONS in flight. Bare starts (a type no worker runs) are the
 * server's start rate; minimal Update-with-Starts add what any worker answering an update costs.
 */
async function starts(count: number, startOne: (workflowId: string) => Promise<unknown>): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      try {
        await startOne(`bench-${randomBytes(8).toString('hex')}`);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  return measuredOf(latencies, performance.now() - started, errors);
}

/** `findOne` by `_id` in `kyc_profiles`, CONNECTIONS in flight for DURATION seconds. */
async function findsAlone(db: Db, idOf: () => string): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + DURATION * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await db.collection<{ _id: string }>('kyc_profiles').findOne({ _id: idOf() });
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  return measuredOf(latencies, performance.now() - started, errors);
}

function measuredOf(latencies: number[], elapsedMs: number, errors: number): Measured {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN);
  return { rps: (latencies.length / elapsedMs) * 1000, p50: pct(0.5), p99: pct(0.99), errors };
}

function share(value: number, baseline: number): string {
  return `${((value / baseline) * 100).toFixed(1)} %`;
}

/** Errors the API logged (level error and up), so a 5xx in the table comes with its cause. */
function printServerErrors(): void {
  const lines = readFileSync(join(dir, 'api.log'), 'utf8').split('\n').filter((line) => /"level":(50|60)/.test(line));
  if (!lines.length) return;
  console.log(`\nthe API logged ${lines.length} errors; the first ones:`);
  for (const line of lines.slice(0, 3)) console.log(line.slice(0, 1_500));
}

function printTable(): void {
  const header = ['profiles', 'what', 'req/s', 'share of baseline (req/s)', 'p50 ms', 'p99 ms', 'errors', ''];
  const lines = rows.map((r) => [r.size.toLocaleString('en'), r.what, r.rps.toFixed(0), r.baseline ?? '', String(r.p50), String(r.p99), String(r.errors), r.note ?? '']);
  console.log(`\n${CONNECTIONS} connections, ${DURATION} s per read route, on ${process.env.HOSTNAME ?? 'this machine'}\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
}
