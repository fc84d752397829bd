import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kycProfileWorkflowId } from '../../domain/ids.js';
import { freePort, stopService, type Service } from '../../devstack/processes.js';
import { startTemporalServer } from '../../devstack/servers.js';
import { generateDocument } from '../support/synthetic-documents.js';
import { startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

/**
 * Temporal stops mid-flow (SIGKILL, as in a crash) while profiles are being created and documents
 * read, and comes back on the same port and database. Every request is answered or refused with a
 * clean, retryable 503 (Retry-After, the route's envelope); clients that retry end with exactly one
 * profile each; status reads keep answering from the read model throughout.
 */
const USERS = 24;
const UPLOADS = 3;

describe('Temporal restart under load', { timeout: 240_000 }, () => {
  let dir: string;
  let port: number;
  let temporal: Service;
  let t: AppUnderTest;
  const startTemporal = () => startTemporalServer({ port, uiPort: 0, headless: true, dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kycflow-restart-'));
    port = await freePort();
    temporal = await startTemporal();
    t = await startAppUnderTest({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, RATE_LIMIT_PER_IP_PER_MINUTE: '1000000', RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000' });
  });
  after(async () => {
    await t?.close();
    if (temporal) await stopService(temporal);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request or refuses it with a retryable 503; no profile lost or duplicated', async (test) => {
    const answers = new Map<number, number>();
    /**
     * Retries on 503 (after checking it is clean) until the request is answered; `busy` marks an
     * answer that says to come back later, which the client waits out too.
     */
    async function untilAnswered(send: () => Promise<Response>, busy = (_status: number, _body: any) => false): Promise<{ status: number; body: any }> {
      for (;;) {
        const res = await send();
        const body = await res.json() as any;
        answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
        if (busy(res.status, body)) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        if (res.status !== 503) return { status: res.status, body };
        assert.ok(Number(res.headers.get('retry-after')) > 0, 'a 503 says when to retry');
        assert.ok(body.code === 50300 || typeof body.error === 'string', `a 503 in the route's envelope: ${JSON.stringify(body)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const call = (userId: string, method: string, path: string, body?: unknown) => () =>
      fetch(`${t.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${t.token(userId)}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const upload = (userId: string, profileId: string, png: Buffer) => () => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ profileId, docType: 'PASSPORT', country: 'SG' })) form.set(k, v);
      form.set('frontImage', new Blob([new Uint8Array(png)]), 'passport.png');
      return fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${t.token(userId)}` }, body: form });
    };

    // Profiles whose documents are being read when Temporal goes away.
    const png = (await generateDocument({ kind: 'TD3', seed: 11 })).png;
    const readers = await Promise.all(Array.from({ length: UPLOADS }, async (_, i) => {
      const userId = `restart_reader_${i}`;
      const { body } = await untilAnswered(call(userId, 'POST', '/api/web/kycService/submit', { userId, country: 'SG' }));
      return { userId, profileId: body.data.profileId as string };
    }));
    // An upload retried after a 503 may find the first attempt's document still being read (the
    // workflow took it before Temporal went away): 409, try again once it is done.
    const stillReading = (status: number, body: any) => status === 409 && /still being processed/.test(body.message);
    const uploads = readers.map(({ userId, profileId }) => untilAnswered(upload(userId, profileId, png), stillReading));

    // New users submitting (and reading their status) while Temporal is killed and restarted.
    const submitters = Array.from({ length: USERS }, async (_, i) => {
      const userId = `restart_user_${i}`;
      await new Promise((r) => setTimeout(r, i * 60));
      const submitted = await untilAnswered(call(userId, 'POST', '/api/web/kycService/submit', { userId, country: 'SG' }));
      assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
      const status = await untilAnswered(call(userId, 'GET', `/api/web/kycService/status/${submitted.body.data.profileId}`));
      assert.equal(status.status, 200, JSON.stringify(status.body));
      return { userId, profileId: submitted.body.data.profileId as string };
    });
    await new Promise((r) => setTimeout(r, 400));
    temporal.child.kill('SIGKILL');
    await temporal.exited;
    await new Promise((r) => setTimeout(r, 3_000));
    temporal = await startTemporal();

    const created = await Promise.all(submitters);
    for (const res of await Promise.all(uploads)) assert.ok(res.status === 200 || res.status === 422, `upload answered ${res.status}: ${JSON.stringify(res.body)}`);
    test.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries(answers))}`);
    assert.deepEqual([...answers.keys()].filter((s) => s >= 500 && s !== 503), [], 'no 5xx but a clean 503');

    for (const { userId, profileId } of [...created, ...readers]) {
      const profiles = await t.mongo.db.collection('kyc_profiles').find({ userId }).toArray();
      assert.deepEqual(profiles.map((p) => p._id), [profileId], `${userId}: exactly the one profile the client was given`);
      const described = await t.client.workflow.getHandle(kycProfileWorkflowId(profileId)).describe();
      assert.equal(described.status.name, 'RUNNING');
    }
  });
});
