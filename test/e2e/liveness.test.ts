import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { signBody } from '../../domain/hmac-signature.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

/**
 * Liveness over HTTP with real videos (made with ffmpeg), real storage and the real face engine.
 * The profile reaches the liveness step through the metadata document path (no OCR needed).
 */
describe('liveness: sessions, verification and its bad inputs', { timeout: 240_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  let token: string;
  let profileId: string;

  before(async () => {
    [t, videos] = await Promise.all([startAppUnderTest(), SyntheticVideos.create()]);
    token = t.token('live_user');
    profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'live_user', country: 'SG' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'ID_CARD', frontImageUrl: 'https://cdn.example/id.jpg', expiryDate: '2034-01-01' } });
    const documentId = doc.body.data.documentId;
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${documentId}`, { token, body: {} });
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${documentId}`, { token });
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
  });

  const start = () => api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token });
  async function verify(sessionId: string, files: Record<string, string>, as = token, forProfile = profileId) {
    const form = new FormData();
    form.set('sessionId', sessionId);
    form.set('profileId', forProfile);
    for (const [field, path] of Object.entries(files)) form.set(field, new Blob([new Uint8Array(await readFile(path))]), `${field}.mp4`);
    const res = await fetch(`${t.baseUrl}/api/web/kycService/liveness/verify`, { method: 'POST', headers: { authorization: `Bearer ${as}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }
  const storedVideos = () => t.mongo.db.collection('uploads.files').countDocuments({ 'metadata.purpose': 'liveness' });

  it('starts a session with three distinct actions and shows it', async () => {
    const started = await start();
    assert.equal(started.status, 200);
    const { sessionId, actions, expiresAt } = started.body.data;
    assert.match(sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(new Set(actions).size, 3);
    assert.ok(Date.parse(expiresAt) > Date.now());
    const shown = await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token });
    assert.equal(shown.body.data.session.status, 'ACTIVE');
    const missing = await api(t, 'GET', '/api/web/kycService/liveness/session/6f1c2f9e-0000-4000-8000-000000000000', { token });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /liveness session not found/);
    assert.notEqual(missing.body.data, null, 'an error message with data, never null data');
    assert.equal((await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token: t.token('other') })).status, 404);
  });

  it('refuses a PNG named .mp4, an empty file and a missing video, storing nothing', async () => {
    const { sessionId } = (await start()).body.data;
    const still = await videos.still(2);
    const png = await verify(sessionId, { video1: await videos.pngAsMp4(), video2: still, video3: still });
    assert.equal(png.status, 415);
    assert.match(png.body.message, /video1: unsupported file type/);
    const empty = await verify(sessionId, { video1: await videos.empty(), video2: still, video3: still });
    assert.equal(empty.status, 400);
    assert.match(empty.body.message, /video1: the file is empty/);
    const two = await verify(sessionId, { video1: still, video2: still });
    assert.equal(two.status, 400);
    assert.match(two.body.message, /video3: one video per action is required/);
    assert.equal(await storedVideos(), 0);
    assert.equal((await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token })).body.data.session.status, 'ACTIVE');
  });

  it("refuses someone else's profile and a session of another profile", async () => {
    const { sessionId } = (await start()).body.data;
    const still = await videos.still(2);
    const foreign = await verify(sessionId, { video1: still, video2: still, video3: still }, t.token('intruder'));
    assert.equal(foreign.status, 404);
    assert.equal(await storedVideos(), 0);
  });

  it('a 10-minute video, a video with no face and one with two faces fail with code 20001 and per-action results', async () => {
    const { sessionId, actions } = (await start()).body.data;
    const res = await verify(sessionId, { video1: await videos.tooLong(), video2: await videos.noFace(), video3: await videos.twoPeople() });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.code, 20001);
    assert.deepEqual(res.body.data.list.map((r: any) => r.action), actions);
    assert.ok(res.body.data.list.every((r: any) => r.passed === false && r.reason));
    assert.match(res.body.data.list[0].reason, /limit|long/);
    // A video too long to use, no face and a second person are capture problems: a retry that
    // tells the user what to fix, not a failed attempt.
    assert.equal(res.body.data.retry, true);
    assert.deepEqual(res.body.data.qualityIssues.map((q: any) => [q.video, q.code]), [[1, 'VIDEO_TOO_LONG'], [2, 'NO_FACE'], [3, 'MULTIPLE_FACES']]);
    assert.match(res.body.message, /qualityIssues/);
    const again = await verify(sessionId, { video1: await videos.still(3), video2: await videos.pan(3), video3: await videos.zoom(3) });
    assert.equal(again.status, 409, 'a finished session cannot be verified twice');
    assert.match(again.body.message, /already closed: start a new session/);
  });

  it('refuses a video that was already used in any session (replay defence)', async () => {
    const { sessionId } = (await start()).body.data;
    const replayed = await verify(sessionId, { video1: await videos.tooLong(), video2: await videos.still(4), video3: await videos.still(5) });
    assert.equal(replayed.status, 409);
    assert.match(replayed.body.message, /video1: this video was already used/);
  });

  it('records a signed vendor callback and refuses a bad signature', async () => {
    const body = JSON.stringify({ profileId, sessionId: 'vendor-session-1', confidence: 96.2, result: 'success' });
    const send = (secret: string) => {
      const timestamp = String(Date.now());
      return fetch(`${t.baseUrl}/api/web/kycService/callback/liveness`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kyc-timestamp': timestamp, 'x-kyc-signature': signBody(secret, timestamp, body) },
        body,
      });
    };
    assert.equal((await send('some-other-secret-value')).status, 401);
    assert.equal((await send(t.config.LIVENESS_CALLBACK_SECRET)).status, 200);
    let callbacks: any[] = [];
    for (let i = 0; i < 50 && callbacks.length === 0; i++) {
      // Vendor callbacks are for staff: the admin detail shows them, the user's own status does not.
      callbacks = (await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: t.token('ops', 'admin') })).body.data.profile.liveness.callbacks;
      if (!callbacks.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(callbacks.length, 1);
    assert.deepEqual([callbacks[0].sessionId, callbacks[0].confidence, callbacks[0].result], ['vendor-session-1', 96.2, 'success']);
  });
});
