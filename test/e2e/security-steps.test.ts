import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signBody } from '../../domain/hmac-signature.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { approvedUser, profileInReview, until } from '../helpers/journeys.js';

/**
 * Defects an adversarial probe found in the KYC steps (issue #14), each over real HTTP with a real
 * worker: what a user may store and see, what a replayed callback does, what a refused request
 * leaves behind.
 */
describe('security: KYC steps', { timeout: 240_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  const admin = () => t.token('ops_anna', 'admin');

  before(async () => {
    [t, videos] = await Promise.all([startAppUnderTest({ LIVENESS_MAX_ATTEMPTS: '1' }), SyntheticVideos.create()]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
  });

  /** A profile of `userId` waiting for its document to be confirmed; returns the ids. */
  async function documentToConfirm(userId: string) {
    const token = t.token(userId);
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'SG' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'https://cdn.example/p.jpg', expiryDate: '2034-04-04' } });
    return { token, profileId, documentId: doc.body.data.documentId as number };
  }
  const confirm = (documentId: number, token: string, body: object) => api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${documentId}`, { token, body });

  it('confirm refuses control, bidi, emoji and markup in name and issuer, and keeps nothing', async () => {
    const { token, profileId, documentId } = await documentToConfirm('text_user');
    const bad = ['Alex\u0000Tan', 'Alex\u0007Tan', 'Alex \u202Enat', 'Alex 😀 Tan', '<img src=x onerror=alert(1)>', 'Аlex Tan' /* Cyrillic А */, '   '];
    for (const value of bad) {
      for (const field of ['name', 'issuer']) {
        const res = await confirm(documentId, token, { [field]: value });
        assert.equal(res.status, 400, `${field} ${JSON.stringify(value)}`);
        assert.match(res.body.message, new RegExp(field));
      }
    }
    const status = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token });
    assert.equal(status.body.data.status.stage, 'CONFIRMATION', 'nothing was confirmed');
    const good = await confirm(documentId, token, { name: "Zoë O'Brien-Nguyễn", issuer: 'SGP' });
    assert.equal(good.status, 200);
    assert.equal(good.body.data.name, "Zoë O'Brien-Nguyễn");
  });

  it('confirm refuses a birth date in the future and an expiry date in the past', async () => {
    const { token, documentId } = await documentToConfirm('date_user');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const future = await confirm(documentId, token, { birthDate: tomorrow });
    assert.equal(future.status, 400);
    assert.match(future.body.message, /birthDate/);
    assert.equal((await confirm(documentId, token, { birthDate: '1850-01-01' })).status, 400, 'nobody alive was born then');
    const expired = await confirm(documentId, token, { expiryDate: yesterday });
    assert.equal(expired.status, 400);
    assert.match(expired.body.message, /expiryDate/);
    assert.equal((await confirm(documentId, token, { birthDate: '1990-02-28', expiryDate: '2031-12-31' })).status, 200);
  });

  it("a user's own status shows no reviewer ids and no internal remarks; the admin detail does", async () => {
    const userId = 'view_user';
    const profileId = await profileInReview(t, videos, userId, [2, 'a']);
    await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '-1', remark: 'looks like a stolen passport' } });
    await until(async () => (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token: t.token(userId) })).body.data.status.stage === 'REJECTED');
    await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '0', remark: 'second look: internal note' } });
    await until(async () => (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token: t.token(userId) })).body.data.status.stage === 'MANUAL_REVIEW');
    const own = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token: t.token(userId) });
    const text = JSON.stringify(own.body);
    for (const secret of ['ops_anna', 'internal note', 'adminId', 'remark']) assert.ok(!text.includes(secret), `the user sees ${secret}`);
    assert.deepEqual(own.body.data.status.decisions.map((d: any) => d.status), [-1, 0], 'the user still sees what was decided, and when');
    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    assert.deepEqual(detail.body.data.profile.decisions.map((d: any) => d.adminId), ['ops_anna', 'ops_anna']);
    assert.deepEqual(detail.body.data.profile.decisions.map((d: any) => d.remark), ['looks like a stolen passport', 'second look: internal note']);
  });

  it('an admin reset of an approved profile takes the active-profile claim back: no second active profile', async () => {
    const userId = 'reset_user';
    await approvedUser(t, videos, userId, [2, 'b']);
    const token = t.token(userId);
    const approved = (await api(t, 'POST', '/admin/kyc/list', { token: admin(), body: { stage: 'APPROVED', page: 1, limit: 100 } })).body.data.items.find((i: any) => i.userId === userId);
    const reset = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId: approved.profileId, status: '0', remark: 'recheck' } });
    assert.equal(reset.status, 200);
    // The read model (which submit reads) follows the workflow a moment later.
    await until(async () => (await api(t, 'GET', '/didit/status', { token })).body.user_kyc_status === 'pending');
    const again = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'TH' } });
    assert.equal(again.status, 200, again.body.message);
    assert.equal(again.body.data.profileId, approved.profileId, 'the profile under review is the active one');
    assert.equal(again.body.message, 'an active profile already exists for this user');
  });

  it('a replayed liveness callback is ignored, and recorded once', async () => {
    const { token, profileId } = await documentToConfirm('callback_user');
    const body = JSON.stringify({ profileId, sessionId: 'vendor-session-9', confidence: 91.5, result: 'success' });
    const timestamp = String(Date.now());
    const headers = { 'content-type': 'application/json', 'x-kyc-timestamp': timestamp, 'x-kyc-signature': signBody(t.config.LIVENESS_CALLBACK_SECRET, timestamp, body) };
    const send = () => fetch(`${t.baseUrl}/api/web/kycService/callback/liveness`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const first = await send();
    assert.equal(first.status, 200);
    assert.equal(first.body.data.recorded, true);
    const replayed = await send();
    assert.equal(replayed.status, 200);
    assert.equal(replayed.body.data.recorded, false);
    assert.match(replayed.body.message, /already received/);
    const callbacks = async () => (await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() })).body.data.profile.liveness?.callbacks ?? [];
    await until(async () => (await callbacks()).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await callbacks()).length, 1);
    assert.ok(token);
  });

  it('an Idempotency-Key refused for another payment type leaves no open-payment claim behind', async () => {
    const token = t.token('key_user');
    const post = (type: string) => fetch(`${t.baseUrl}/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'key-user-0000001' },
      body: JSON.stringify({ type }),
    });
    assert.equal((await post('kyc')).status, 201);
    const refused = await post('virtual');
    assert.equal(refused.status, 409);
    assert.equal(await t.mongo.db.collection('fee_payment_open').countDocuments({ _id: 'key_user:virtual' as any }), 0, 'no claim left');
    const fresh = await api(t, 'POST', '/payments', { token, body: { type: 'virtual' } });
    assert.equal(fresh.status, 201, 'the next request for that type opens a payment of its own');
  });
});
