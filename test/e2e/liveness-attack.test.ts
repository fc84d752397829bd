import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAttack } from '../support/attack-videos.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { until } from '../helpers/journeys.js';
import { createFaceAnalyzer, locateLargestFace } from '../../vision/face/index.js';

/** A crop offset that keeps a window of `share` inside the picture. */
const clamp = (x: number, share: number) => Math.min(1 - share, Math.max(0, x));

/**
 * A presentation attack end to end: the three liveness videos are a face filmed off a monitor
 * screen (generated: bezel, sub-pixel moiré, glare). Through `/liveness/verify`, the real worker
 * and face engine, the profile must land in manual review with the reason, never go on.
 */
describe('liveness: a screen replay goes to manual review', { timeout: 300_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;

  before(async () => {
    [t, videos] = await Promise.all([startAppUnderTest(), SyntheticVideos.create()]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
  });

  it('screen-replayed videos: review with "presentation attack suspected", reviewers see the signals, the user does not', async () => {
    const token = t.token('replay_user');
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'replay_user', country: 'SG' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'ID_CARD', frontImageUrl: 'https://cdn.example/id.jpg', expiryDate: '2034-01-01' } });
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: {} });
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${doc.body.data.documentId}`, { token });
    const { sessionId } = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data;

    const form = new FormData();
    form.set('sessionId', sessionId);
    form.set('profileId', profileId);
    // The clip is cropped to the head and shoulders, as a user would fill the phone's screen with it.
    const face = await locateLargestFace(await createFaceAnalyzer(), await readFile(await videos.picture('a')));
    assert.ok(face, 'the source picture shows a face');
    const side = Math.min(480, Math.max(face.box.width, face.box.height) * 2.2);
    const share = side / 480;
    const crop = { x: clamp((face.box.x + face.box.width / 2 - side / 2) / 480, share), y: clamp((face.box.y + face.box.height / 2 - side / 2) / 480, share), width: share, height: share };
    for (const [i, seconds] of [3, 3.5, 4].entries()) {
      const out = join(videos.dir, `replay-${i}.mp4`);
      await renderAttack(await videos.still(seconds), out, 'screen-monitor', { seconds, crop });
      form.set(`video${i + 1}`, new Blob([new Uint8Array(await readFile(out))]), 'v.mp4');
    }
    const verified = await fetch(`${t.baseUrl}/api/web/kycService/liveness/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = (await verified.json()) as any;
    assert.notEqual(body.data?.retry, true, 'an attack is not a capture problem to retry');

    // The verify Update answers after the decision; the read model follows a moment later.
    let status: any;
    const reviewer = t.token('ops', 'admin');
    await until(async () => {
      status = (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token: reviewer })).body.data.status;
      return status.stage !== 'LIVENESS';
    }, 50).catch(() => undefined);
    const session = (await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token: reviewer })).body.data.session;
    assert.equal(status.stage, 'MANUAL_REVIEW', JSON.stringify({ http: verified.status, verify: body, presentation: session?.presentation }));
    assert.match(status.reviewReasons.join('; '), /presentation attack suspected: screen replay/);

    const asUser = await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token });
    assert.equal(asUser.body.data.session.presentation, undefined, 'the user does not see the anti-spoofing scores');
    const ownStatus = (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token })).body.data.status;
    assert.equal(ownStatus.stage, 'MANUAL_REVIEW');
    assert.equal(ownStatus.liveness.sessions[0].presentation, undefined, 'nor in their profile status');
    const asReviewer = await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token: t.token('ops', 'admin') });
    assert.equal(asReviewer.body.data.session.presentation.suspected, true);
  });
});
