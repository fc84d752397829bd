// `npm run bench:ferretdb [-- --sizes 1000,20000,100000]`: FerretDB's SQLite backend (the embedded
// default, built with its `_id` lookup using the `_id` index: devstack/tools.ts) against its
// PostgreSQL backend (Debian's postgresql, started here), with the read model seeded at each size.
// One client, one operation at a time: median and p99 per operation. Prints figures, not pass/fail.
import { MongoClient, type Db } from 'mongodb';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres } from '../devstack/postgres.js';
import { freePort, stopService, type Service } from '../devstack/processes.js';
import { startMongoServer } from '../devstack/servers.js';
import { profileOf, seedUsers, userOf } from './api/seed.js';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '1000,20000,100000' } } });
const SIZES = args.sizes.split(',').map(Number);
const MAX_OPS = 200;
const MAX_MS = 4_000; // a slow operation is sampled for this long at most

const dir = mkdtempSync(join(tmpdir(), 'kycflow-bench-ferretdb-'));
chmodSync(dir, 0o755); // the postgres user must reach its data folder inside
const services: Service[] = [];
try {
  const postgres = await startPostgres({ port: await freePort(), dataDir: join(dir, 'pg'), logFile: join(dir, 'pg.log') });
  services.push(postgres.service);
  const backends: Array<[string, Db, MongoClient]> = [];
  for (const [name, postgresqlUrl] of [['SQLite', undefined], ['PostgreSQL', postgres.url('ferretdb')]] as const) {
    const started = await startMongoServer({ port: await freePort(), dataDir: join(dir, name), logFile: join(dir, `${name}.log`), postgresqlUrl });
    services.push(started.service);
    const client = await new MongoClient(started.url).connect();
    backends.push([name, client.db('bench'), client]);
  }

  const rows: string[][] = [];
  let seeded = 0;
  for (const size of SIZES) {
    for (const [name, db] of backends) {
      const t0 = performance.now();
      await seedUsers(db, seeded, size);
      console.log(`${name}: seeded ${size} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    seeded = size;
    const pick = () => Math.floor(Math.random() * size);
    const operations: Array<[string, (db: Db) => Promise<unknown>]> = [
      ['find by _id (status)', (db) => db.collection('kyc_profiles').findOne({ _id: profileOf(pick()) as never })],
      ['update by _id (snapshot write)', (db) => db.collection('kyc_users').updateOne({ _id: userOf(pick()) as never }, { $set: { touchedAt: new Date() } })],
      ['find by another field', (db) => db.collection('kyc_profiles').findOne({ userId: userOf(pick()) })],
      ['admin list page (stage, newest 20)', (db) => db.collection('kyc_profiles').find({ stage: 'LIVENESS' }).sort({ createdAt: -1, _id: -1 }).limit(20).toArray()],
    ];
    for (const [operation, run] of operations) {
      const cells = [size.toLocaleString('en'), operation];
      for (const [, db] of backends) cells.push(format(await timed(() => run(db))));
      rows.push(cells);
    }
  }
  console.log('\n| documents | operation | SQLite median / p99 ms | PostgreSQL median / p99 ms |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  for (const [, , client] of backends) await client.close();
} finally {
  for (const service of services.reverse()) await stopService(service);
  rmSync(dir, { recursive: true, force: true });
}

async function timed(op: () => Promise<unknown>): Promise<number[]> {
  await op();
  const samples: number[] = [];
  const deadline = performance.now() + MAX_MS;
  while (samples.length < MAX_OPS && performance.now() < deadline) {
    const t0 = performance.now();
    await op();
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b);
}

function format(samples: number[]): string {
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))]!;
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  return `${ms(at(0.5))} / ${ms(at(0.99))} (n=${samples.length})`;
}
