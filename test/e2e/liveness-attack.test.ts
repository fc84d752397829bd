import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAttack } from '../support/attack-videos.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { until } from '../helpers/journeys.js';

/**
 * A presentation attack end to end: the three liveness videos are a face filmed off a phone
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
    for (const [i, source] of [await videos.still(3), await videos.pan(3), await videos.zoom(3)].entries()) {
      const out = join(videos.dir, `replay-${i}.mp4`);
      await renderAttack(source, out, 'screen-phone', { seconds: 3 });
      form.set(`video${i + 1}`, new Blob([new Uint8Array(await readFile(out))]), 'v.mp4');
    }
    const verified = await fetch(`${t.baseUrl}/api/web/kycService/liveness/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = (await verified.json()) as any;
    assert.notEqual(body.data?.retry, true, 'an attack is not a capture problem to retry');

    let status: any;
    await until(async () => {
      status = (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token })).body.data.status;
      return status.stage !== 'LIVENESS';
    });
    assert.equal(status.stage, 'MANUAL_REVIEW');
    assert.match(status.reviewReasons.join('; '), /presentation attack suspected: screen replay/);

    const asUser = await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token });
    assert.equal(asUser.body.data.session.presentation, undefined, 'the user does not see the anti-spoofing scores');
    const asReviewer = await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token: t.token('ops', 'admin') });
    assert.equal(asReviewer.body.data.session.presentation.suspected, true);
  });
});
