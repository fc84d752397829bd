// `npm run bench:monitoring [-- --customers 10000,20000]`: the monitoring re-screen through the real
// path — a Temporal dev server, FerretDB, the workflow worker with its real activities — for N
// approved customers (read model + sealed screening subjects, seeded in bulk) against a list delta
// of 500 new entries, 1 in 1,000 customers listed in it (each reopened for review by a signal-with-
// start of its profile workflow). Times `screeningMonitorWorkflow` from start to result. Prints figures.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Db } from 'mongodb';
import { encryptingDataConverter, parseEncryptionKeys } from '../codec/payload-codec.js';
import { loadConfig } from '../config/config.js';
import { startTestStack } from '../devstack/test-stack.js';
import type { ScreeningSubject } from '../screening/index.js';
import { fictionalPeople, randomBirthDate } from '../screening/synthetic/fictional-list.js';
import { seededRandom } from '../screening/synthetic/random.js';
import { connectMongo } from '../stores/mongo.js';
import { importListVersion } from '../stores/screening-lists.store.js';
import { sealedSubjectDoc } from '../stores/screening-subjects.store.js';
import { screeningMonitorWorkflow } from '../workflows/screening-monitor.workflow.js';
import { createWorker } from '../worker/worker.js';
import { profileDoc, profileOf, userDoc, userOf } from './api/seed.js';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '10000,20000' }, 'page-size': { type: 'string' } } });
const SIZES = values.customers.split(',').map(Number);
const DELTA = 500;
const TARGET_CUSTOMERS = 100_000;

Runtime.install({ logger: new DefaultLogger('ERROR') });
const stack = await startTestStack();
const rows: string[] = [];
try {
  const connection = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  for (const size of SIZES) rows.push(await run(size, connection));
  await connection.close();
} finally {
  await stack.stop();
}
console.log(`\n## Monitoring re-screen through Temporal + FerretDB (${DELTA}-entry delta, one workflow worker)\n`);
console.log('| approved customers | page size | pages | alerts (reopened) | wall time | customers/s | 100,000 at this rate |\n|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);

async function run(size: number, nativeConnection: NativeConnection): Promise<string> {
  const suffix = randomBytes(4).toString('hex');
  const config = loadConfig({
    ...process.env, ...stack.env, NODE_ENV: 'test', TEMPORAL_TASK_QUEUE: `bench-monitor-${suffix}`, MONGODB_DB: `bench_monitor_${suffix}`,
    ...(values['page-size'] ? { SCREENING_MONITOR_PAGE_SIZE: values['page-size'] } : {}),
  });
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  try {
    const versionId = await seed(mongo.db, size, parseEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEYS));
    const worker: Worker = await createWorker({ config, connection: nativeConnection, db: mongo.db, workflowBundle: { code: readFileSync(stack.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') } });
    const running = worker.run();
    const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, mongo.db) });
    try {
      const t0 = performance.now();
      const totals = await client.workflow.execute(screeningMonitorWorkflow, {
        workflowId: `bench-monitor-${suffix}`, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [{ versionIds: [versionId], pageSize: config.SCREENING_MONITOR_PAGE_SIZE }],
      });
      const seconds = (performance.now() - t0) / 1000;
      console.log(`${size} customers: ${totals.screened} screened, ${totals.alerted} alerted, ${totals.pages} pages in ${seconds.toFixed(1)} s`);
      const perSecond = totals.screened / seconds;
      return `| ${size.toLocaleString('en')} | ${config.SCREENING_MONITOR_PAGE_SIZE} | ${totals.pages} | ${totals.alerted} | **${seconds.toFixed(1)} s** | ${perSecond.toFixed(0)} | ${size >= TARGET_CUSTOMERS ? 'measured' : `~${(TARGET_CUSTOMERS / perSecond / 60).toFixed(1)} min (extrapolated)`} |`;
    } finally {
      worker.shutdown();
      await running;
      await clientConnection.close();
    }
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.client.close();
  }
}

/** N approved customers with sealed subjects; a delta version of 500 new entries naming 1 in 1,000 of them. */
async function seed(db: Db, size: number, keys: ReturnType<typeof parseEncryptionKeys>): Promise<string> {
  const t0 = performance.now();
  const random = seededRandom(8);
  const people = fictionalPeople(size, 9);
  const subjectOf = (i: number): ScreeningSubject => {
    const p = people[i]!;
    return { name: [p.given, p.middle, p.surname].filter(Boolean).join(' '), birthDate: randomBirthDate(random), nationality: p.nationality };
  };
  const listed: ScreeningSubject[] = [];
  for (let start = 0; start < size; start += 1_000) {
    const range = Array.from({ length: Math.min(1_000, size - start) }, (_, k) => start + k);
    const subjects = range.map(subjectOf);
    subjects.forEach((s, k) => (range[k]! % 1_000 === 500 ? listed.push(s) : undefined));
    await db.collection('kyc_profiles').insertMany(range.map((i) => profileDoc(i, 'APPROVED')) as never[]);
    await db.collection('kyc_users').insertMany(range.map((i) => userDoc(i, 'APPROVED')) as never[]);
    await db.collection('screening_subjects').insertMany(range.map((i, k) => sealedSubjectDoc(keys, profileOf(i), userOf(i), subjects[k]!)) as never[]);
  }
  // The delta: fictional people (another seed), plus the listed customers as list entries.
  const delta = fictionalPeople(DELTA - listed.length, 7).map((p) => p.entry);
  listed.forEach((s, k) => delta.push({ ...delta[k]!, id: `bench-listed-${k}`, names: [s.name], birthDates: s.birthDate ? [s.birthDate] : [], nationalities: s.nationality ? [s.nationality] : [] }));
  async function* entries() { yield* delta; }
  const { version } = await importListVersion(db, { source: 'opensanctions', checksum: randomBytes(32).toString('hex'), publishedAt: '2026-12-01', path: 'bench' }, entries());
  console.log(`seeded ${size} approved customers and a ${delta.length}-entry delta in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return version._id;
}
