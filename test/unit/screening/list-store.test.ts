import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import type { ListEntry } from '../../../screening/entry.js';
import { openListFile } from '../../../screening/lists/read-list-file.js';
import { activeListEntries, ensureScreeningListIndexes, entriesChangedIn, importListVersion, listStamp } from '../../../stores/screening-lists.store.js';

const devList = (name: string) => fileURLToPath(new URL(`../../../screening/lists/dev/${name}`, import.meta.url));
const collect = async <T,>(it: AsyncIterable<T>) => { const out: T[] = []; for await (const e of it) out.push(e); return out; };
async function* from(entries: ListEntry[]) { yield* entries; }

describe('screening list store (MongoDB)', { skip: !process.env.MONGODB_URL && 'MONGODB_URL is unset: run through `npm test`' }, () => {
  let client: MongoClient;
  let db: Db;
  before(async () => {
    client = await MongoClient.connect(process.env.MONGODB_URL!);
    db = client.db(`kycflow_test_lists_${randomBytes(4).toString('hex')}`);
    await ensureScreeningListIndexes(db);
  });
  after(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  it('loads a list file as a version; the same file again is the same version and writes nothing', async () => {
    const file = await openListFile(devList('ofac-sdn-fictional.xml'));
    const first = await importListVersion(db, file, file.entries());
    assert.equal(first.isNew, true);
    assert.deepEqual([first.version.source, first.version.publishedAt, first.version.entryCount, first.version.added], ['ofac-sdn', '2024-03-01', 100, 100]);
    assert.equal(first.version._id, `ofac-sdn:${file.checksum}`);
    assert.equal(await listStamp(db), first.version._id);
    const again = await importListVersion(db, file, file.entries());
    assert.equal(again.isNew, false);
    assert.equal((await collect(activeListEntries(db))).length, 100);
  });

  it('a new version records what it added, changed and removed; the delta is exactly those entries', async () => {
    const file = await openListFile(devList('ofac-sdn-fictional.xml'));
    const current = await collect(file.entries());
    const changed = { ...current[0]!, birthDates: ['1950-01-01'] };
    const added: ListEntry = { id: 'ofac-sdn:777', source: 'ofac-sdn', names: ['Velkor Andrasyn'], birthDates: ['1980-05-05'], nationalities: ['XK'], topics: ['sanction'], programs: ['FICTIONAL'] };
    const next = [changed, ...current.slice(1, -1), added]; // the last one is delisted
    const { version } = await importListVersion(db, { source: 'ofac-sdn', checksum: 'b'.repeat(64), publishedAt: '2024-03-08', path: 'test' }, from(next));
    assert.deepEqual([version.added, version.changed, version.removed, version.entryCount], [1, 1, 1, 100]);
    const delta = await collect(entriesChangedIn(db, [version._id]));
    assert.deepEqual(delta.map((d) => d.entry.id).sort(), [changed.id, added.id].sort());
    assert.ok(delta.every((d) => /^[0-9a-f]{16,}$/.test(d.hash)), 'each with its content hash (monitoring alerts are keyed by it)');
    const active = await collect(activeListEntries(db));
    assert.equal(active.length, 100);
    assert.ok(!active.some((e) => e.id === current.at(-1)!.id), 'the delisted entry is no longer screened');
    assert.equal(await listStamp(db), version._id);
  });
});
