import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, type AppUnderTest } from './app-under-test.js';

/** Polls `check` until it holds (read models follow workflows a moment later). */
export async function until(check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}

/**
 * A profile taken by its user to manual review over HTTP: a metadata document (its fields as the
 * user confirms them: `confirm`), then one liveness session failed with still photos (the app under
 * test runs with LIVENESS_MAX_ATTEMPTS=1). `stills` makes the three videos distinct from those of
 * other calls (replay defence).
 */
export async function profileInReview(t: AppUnderTest, videos: SyntheticVideos, userId: string, stills: [number, 'a' | 'a2' | 'b'], confirm: object = {}): Promise<string> {
  const token = t.token(userId);
  const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'TH' } })).body.data.profileId;
  const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'https://cdn.example/p.jpg', expiryDate: '2033-03-03' } });
  const confirmed = await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: confirm });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${doc.body.data.documentId}`, { token });
  await failLiveness(t, videos, userId, profileId, stills);
  return profileId;
}

/** One liveness session failed with still photos; waits until the profile is in manual review. */
export async function failLiveness(t: AppUnderTest, videos: SyntheticVideos, userId: string, profileId: string, stills: [number, 'a' | 'a2' | 'b']): Promise<void> {
  const token = t.token(userId);
  const { sessionId } = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data;
  const form = new FormData();
  form.set('sessionId', sessionId);
  form.set('profileId', profileId);
  const [seconds, person] = stills;
  for (const [i, s] of [seconds, seconds + 0.5, seconds + 1].entries()) {
    form.set(`video${i + 1}`, new Blob([new Uint8Array(await readFile(await videos.still(s, person)))]), 'v.mp4');
  }
  const verified = await fetch(`${t.baseUrl}/api/web/kycService/liveness/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  assert.equal(verified.status, 422, 'a still photo does not pass liveness');
  await until(async () => (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token })).body.data.status.stage === 'MANUAL_REVIEW');
}

/** A user whose KYC an admin approved. */
export async function approvedUser(t: AppUnderTest, videos: SyntheticVideos, userId: string, stills: [number, 'a' | 'a2' | 'b']): Promise<void> {
  const profileId = await profileInReview(t, videos, userId, stills);
  await api(t, 'POST', '/admin/kyc/update-status', { token: t.token('ops', 'admin'), body: { profileId, status: '2' } });
  await until(async () => (await api(t, 'GET', '/didit/status', { token: t.token(userId) })).body.user_kyc_status === 'verified');
}
