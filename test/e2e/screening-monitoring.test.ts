import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { until } from '../helpers/journeys.js';
import { ensureScreeningSchedule, SCREENING_SCHEDULE_ID } from '../../worker/screening-schedule.js';

/** A fictional person the shipped lists do not hold, then a new list version that does. */
const PERSON = { name: 'ANDRASYN VELKOR', birthDate: '1980-05-05', nationality: 'BGR' };
const NEW_ENTRY = { id: 'fx-new-1', schema: 'Person', target: true, datasets: ['fictional_sanctions'], properties: { name: ['Velkor Andrasyn'], alias: ['Велкор Андрасин'], birthDate: ['1980-05-05'], nationality: ['bg'], topics: ['sanction'] } };

describe('ongoing monitoring: a new list version catches an approved customer', { timeout: 300_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  let dir: string;
  const events: any[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => { events.push(JSON.parse(body)); res.writeHead(200).end(); });
  });
  const admin = () => t.token('ops_mo', 'admin');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kycflow-lists-'));
    const url = await new Promise<string>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`)));
    [t, videos] = await Promise.all([
      startAppUnderTest({ LIVENESS_MAX_ATTEMPTS: '1', RATE_LIMIT_PER_IP_PER_MINUTE: '100000', SCREENING_LIST_PATHS: join(dir, 'entities.ftm.json'), WEBHOOK_URL: url, SCREENING_MONITOR_PAGE_SIZE: '100' }),
      SyntheticVideos.create(),
    ]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
    receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function approvedCustomer(userId: string, stills: [number, 'a']): Promise<string> {
    const token = t.token(userId);
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'BG' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'https://cdn.example/p.jpg', expiryDate: '2033-03-03' } });
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: PERSON });
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${doc.body.data.documentId}`, { token });
    const { sessionId } = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data;
    const form = new FormData();
    form.set('sessionId', sessionId);
    form.set('profileId', profileId);
    for (const [i, s] of [stills[0], stills[0] + 0.5, stills[0] + 1].entries()) form.set(`video${i + 1}`, new Blob([new Uint8Array(await readFile(await videos.still(s, stills[1])))]), 'v.mp4');
    await fetch(`${t.baseUrl}/api/web/kycService/liveness/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    await until(async () => (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token })).body.data.status.stage === 'MANUAL_REVIEW');
    const detail = (await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() })).body.data.profile;
    assert.deepEqual(detail.screening.hits, [], 'not on the shipped lists');
    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2' } })).status, 200);
    await until(async () => (await api(t, 'GET', '/didit/status', { token })).body.user_kyc_status === 'verified');
    return profileId;
  }

  it('the manual trigger loads the new version, reopens the customer with the hit and a kyc.screening.hit event; a dismissal restores the approval; a re-run raises nothing again', async () => {
    const profileId = await approvedCustomer('mon_user_1', [2, 'a']);
    await writeFile(join(dir, 'entities.ftm.json'), JSON.stringify(NEW_ENTRY) + '\n');

    const run = await api(t, 'POST', '/admin/kyc/screening/run', { token: admin(), body: {} });
    assert.equal(run.status, 200);
    const totals = await t.client.workflow.getHandle(run.body.data.workflowId).result();
    assert.equal(totals.alerted, 1);
    assert.ok(totals.screened >= 1);

    const token = t.token('mon_user_1');
    await until(async () => (await api(t, 'GET', '/didit/status', { token })).body.user_kyc_status === 'pending');
    const detail = (await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() })).body.data.profile;
    assert.equal(detail.stage, 'MANUAL_REVIEW');
    assert.match(detail.reviewReasons.join('; '), /monitoring: 1 new sanctions\/PEP match/);
    const hit = detail.screening.hits.find((h: any) => h.origin === 'MONITORING');
    assert.deepEqual([hit.entryId, hit.entryName], ['opensanctions:fx-new-1', 'Velkor Andrasyn']);
    await until(async () => events.some((e) => e.type === 'kyc.screening.hit' && e.data.profileId === profileId && e.data.origin === 'MONITORING'));
    assert.doesNotMatch(JSON.stringify(events), /andrasyn|velkor/i, 'no PII in webhooks');

    const versionId = detail.screening.listVersion;
    const rerun = await api(t, 'POST', '/admin/kyc/screening/run', { token: admin(), body: { versionIds: [versionId] } });
    assert.equal((await t.client.workflow.getHandle(rerun.body.data.workflowId).result()).alerted, 0, 'the same alert is never raised twice');
    const unknown = await api(t, 'POST', '/admin/kyc/screening/run', { token: admin(), body: { versionIds: [`opensanctions:${'0'.repeat(64)}`] } });
    assert.equal(unknown.status, 404);
    assert.equal((await api(t, 'POST', '/admin/kyc/screening/run', { token: t.token('mon_user_1'), body: {} })).status, 403);

    const dismissed = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: admin(), body: { profileId, hitId: hit.hitId, outcome: 'FALSE_POSITIVE', reason: 'namesake: different place of birth' } });
    assert.equal(dismissed.status, 200);
    await until(async () => (await api(t, 'GET', '/didit/status', { token })).body.user_kyc_status === 'verified');
    // A run naming other versions besides: the same, unchanged entry is not raised again.
    const all = (await api(t, 'GET', '/admin/kyc/screening/lists', { token: admin() })).body.data.versions.map((v: any) => v.versionId);
    const wider = await api(t, 'POST', '/admin/kyc/screening/run', { token: admin(), body: { versionIds: all } });
    assert.equal(wider.status, 200, JSON.stringify(wider.body));
    assert.equal((await t.client.workflow.getHandle(wider.body.data.workflowId).result()).alerted, 0, 'a dismissed, unchanged entry stays dismissed');
    assert.equal((await api(t, 'GET', '/didit/status', { token })).body.user_kyc_status, 'verified');
  });

  it('the daily schedule exists with the configured interval and, new, starts a monitoring run at once', async () => {
    await ensureScreeningSchedule(t.client, t.config);
    await ensureScreeningSchedule(t.client, t.config); // idempotent: a second worker start updates it
    const handle = t.client.schedule.getHandle(SCREENING_SCHEDULE_ID);
    try {
      const described = await handle.describe();
      assert.equal((described.spec.intervals?.[0]?.every as unknown as number | string) !== undefined, true);
      assert.equal(described.action.type, 'startWorkflow');
      await until(async () => (await handle.describe()).info.recentActions.length > 0);
    } finally {
      await handle.delete();
    }
  });
});
