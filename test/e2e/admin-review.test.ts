import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { checkSignature } from '../../domain/hmac-signature.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { profileInReview as reviewJourney, until } from '../helpers/journeys.js';

/** A webhook receiver that verifies signatures, fails each event's first delivery, and counts. */
function startReceiver(secret: string) {
  const attempts = new Map<string, number>();
  const accepted = new Map<string, number>();
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      const verdict = checkSignature(secret, { timestamp: String(req.headers['x-kycflow-timestamp']), signature: String(req.headers['x-kycflow-signature']) }, body, Date.now());
      if (verdict !== 'ok') {
        badSignatures++;
        return void res.writeHead(401).end();
      }
      const id = JSON.parse(body).eventId as string;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (attempts.get(id) === 1) return void res.writeHead(500).end(); // first delivery fails
      if (!accepted.has(id)) accepted.set(id, 0);
      accepted.set(id, accepted.get(id)! + 1);
      res.writeHead(200).end();
    });
  });
  return { server, attempts, accepted, badSignatures: () => badSignatures };
}

describe('manual review by admins (seed 003 admin side) with outbound webhooks', { timeout: 240_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  const receiver = startReceiver('test-webhook-secret-123');
  const admin = () => t.token('ops_anna', 'admin');

  before(async () => {
    const url = await new Promise<string>((resolve) => receiver.server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/hooks`)));
    [t, videos] = await Promise.all([
      startAppUnderTest({ LIVENESS_MAX_ATTEMPTS: '1', WEBHOOK_URL: url, WEBHOOK_SECRET: 'test-webhook-secret-123' }),
      SyntheticVideos.create(),
    ]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
    receiver.server.close();
  });

  const profileInReview = (userId: string, stills: [number, 'a' | 'a2' | 'b']) => reviewJourney(t, videos, userId, stills);
  const userStatus = async (userId: string) => (await api(t, 'GET', '/didit/status', { token: t.token(userId) })).body;

  it('lists the case, shows its detail, and an approval verifies the user', async () => {
    const profileId = await profileInReview('rev_user_1', [2, 'a']);
    const list = await api(t, 'POST', '/admin/kyc/list', { token: admin(), body: { stage: 'MANUAL_REVIEW', country: 'TH', page: 1, limit: 10 } });
    assert.equal(list.status, 200);
    assert.ok(list.body.data.total >= 1);
    const item = list.body.data.items.find((i: any) => i.profileId === profileId);
    assert.match(item.reviewReasons.join(' '), /liveness failed/);

    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    assert.equal(detail.body.data.profile.stage, 'MANUAL_REVIEW');
    assert.equal(detail.body.data.profile.liveness.sessions[0].status, 'FAILED');
    assert.ok(detail.body.data.timeline.some((e: any) => e.type === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED' && e.name === 'verifyLiveness'));
    const mirror = await api(t, 'GET', `/api/web/kycService/detail/${profileId}`, { token: admin() });
    assert.equal(mirror.body.data.profile.profileId, profileId);

    const approved = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2', remark: 'Manual review passed' } });
    assert.equal(approved.status, 200);
    await until(async () => (await userStatus('rev_user_1')).user_kyc_status === 'verified');
    const resubmit = await api(t, 'POST', '/api/web/kycService/submit', { token: t.token('rev_user_1'), body: { userId: 'rev_user_1', country: 'TH' } });
    assert.deepEqual([resubmit.status, resubmit.body.message], [409, 'KYC is already approved for this user; no need to submit again']);
    const again = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2' } });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /reset it first/);
  });

  it("a rejection's remark is the user's fail_reason; a reset then an approval verifies", async () => {
    const profileId = await profileInReview('rev_user_2', [2, 'a2']);
    await api(t, 'POST', '/api/web/kycService/status/update', { token: admin(), body: { profileId, status: -1, remark: 'Photo does not match the holder' } });
    await until(async () => (await userStatus('rev_user_2')).user_kyc_status === 'rejected');
    const rejected = await userStatus('rev_user_2');
    assert.equal(rejected.latest_kyc.fail_reason, 'Photo does not match the holder');
    assert.equal(rejected.latest_kyc.pokepay_status, 3);

    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '0', remark: 'second look' } })).status, 200);
    await until(async () => (await userStatus('rev_user_2')).latest_kyc.status === 'processing');
    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2' } })).status, 200);
    await until(async () => (await userStatus('rev_user_2')).user_kyc_status === 'verified');
    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    assert.deepEqual(detail.body.data.profile.decisions.map((d: any) => [d.adminId, d.status]), [['ops_anna', -1], ['ops_anna', 0], ['ops_anna', 2]]);
  });

  it('refuses non-admins on every admin route (403) and bad input (400)', async () => {
    const user = t.token('rev_user_3');
    const routes: Array<[string, string, object | undefined]> = [
      ['POST', '/admin/kyc/list', {}],
      ['GET', '/admin/kyc/detail/profile_000000000000000000000000', undefined],
      ['POST', '/admin/kyc/update-status', { profileId: 'profile_000000000000000000000000', status: '2' }],
      ['POST', '/api/web/kycService/list', {}],
      ['GET', '/api/web/kycService/detail/profile_000000000000000000000000', undefined],
      ['POST', '/api/web/kycService/status/update', { profileId: 'profile_000000000000000000000000', status: '2' }],
    ];
    for (const [method, path, body] of routes) {
      const res = await api(t, method, path, { token: user, body });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.code, 40300);
    }
    assert.equal((await api(t, 'POST', '/admin/kyc/list', { token: admin(), body: { limit: 1000 } })).status, 400);
    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId: 'profile_000000000000000000000000', status: '1' } })).status, 400);
  });

  it('delivers every event once per event id, signed, despite a 500 on the first try', async () => {
    const accepted = () => [...receiver.accepted.keys()];
    await until(async () => accepted().some((id) => id.endsWith(':kyc.decision')) && accepted().filter((id) => id.endsWith(':kyc.status.changed')).length >= 4);
    assert.equal(receiver.badSignatures(), 0);
    for (const [id, count] of receiver.accepted) assert.equal(count, 1, `event ${id} accepted ${count} times`);
    assert.ok([...receiver.accepted.keys()].some((id) => id.endsWith(':kyc.decision')));
    assert.ok([...receiver.accepted.keys()].some((id) => id.endsWith(':kyc.status.changed')));
  });
});
