import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kycProfileWorkflowId } from '../../domain/ids.js';
import { findKycProfile } from '../../stores/kyc-profiles.store.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

describe('KYC profile slice: submit and status over HTTP, real Temporal and MongoDB', { timeout: 60_000 }, () => {
  let t: AppUnderTest;
  before(async () => (t = await startAppUnderTest()));
  after(async () => t?.close());

  it('submit starts the profile workflow, writes the read model, and status answers from the workflow', async () => {
    const token = t.token('user_10001');
    const submitted = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'user_10001', country: 'SG' } });
    assert.equal(submitted.status, 200);
    assert.equal(submitted.body.code, 0);
    const { profileId } = submitted.body.data;
    assert.match(profileId, /^profile_[0-9a-f]{24}$/);

    // The workflow exists in Temporal, running, with the search attributes ops filter on.
    const description = await t.client.workflow.getHandle(kycProfileWorkflowId(profileId)).describe();
    assert.equal(description.status.name, 'RUNNING');
    assert.equal(description.type, 'kycProfileWorkflow');

    // The read model is in MongoDB (written by the workflow's activity, so poll briefly).
    const doc = await eventually(() => findKycProfile(t.mongo.db, profileId));
    assert.equal(doc.userId, 'user_10001');
    assert.equal(doc.country, 'SG');
    assert.equal(doc.stage, 'DOCUMENT');
    assert.equal(doc.version, 1);

    const status = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token });
    assert.equal(status.status, 200);
    assert.deepEqual(Object.keys(status.body).sort(), ['code', 'data', 'message']);
    assert.equal(status.body.data.status.profileId, profileId);
    assert.equal(status.body.data.status.stage, 'DOCUMENT');
    assert.equal(status.body.data.status.status, 'pending_submit');
    assert.equal(status.body.data.status.liveness, null);
  });

  it('a second submit while a profile is active returns the same profile, never a duplicate', async () => {
    const token = t.token('user_dup');
    const body = { userId: 'user_dup', country: 'TH' };
    const [a, b] = await Promise.all([
      api(t, 'POST', '/api/web/kycService/submit', { token, body }),
      api(t, 'POST', '/api/web/kycService/submit', { token, body }),
    ]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(a.body.data.profileId, b.body.data.profileId);
    const again = await api(t, 'POST', '/api/web/kycService/submit', { token, body });
    assert.equal(again.body.data.profileId, a.body.data.profileId);
    assert.match(again.body.message, /already exists/);
  });

  it('answers 401 without a token or with a bad one, in the seed-003 envelope', async () => {
    const none = await api(t, 'POST', '/api/web/kycService/submit', { body: { userId: 'u1', country: 'SG' } });
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 40100);
    assert.equal(none.body.data, null);
    const forged = await api(t, 'GET', '/api/web/kycService/status/profile_000000000000000000000000', { token: `${t.token('u1')}x` });
    assert.equal(forged.status, 401);
  });

  it('refuses a submit for another user (403) and hides their profile (404)', async () => {
    const owner = t.token('user_owner');
    const created = await api(t, 'POST', '/api/web/kycService/submit', { token: owner, body: { userId: 'user_owner', country: 'SG' } });
    const forOther = await api(t, 'POST', '/api/web/kycService/submit', { token: t.token('intruder'), body: { userId: 'user_owner', country: 'SG' } });
    assert.equal(forOther.status, 403);
    const peek = await api(t, 'GET', `/api/web/kycService/status/${created.body.data.profileId}`, { token: t.token('intruder') });
    assert.equal(peek.status, 404);
    assert.equal(peek.body.code, 40400);
    const admin = await api(t, 'GET', `/api/web/kycService/status/${created.body.data.profileId}`, { token: t.token('ops', 'admin') });
    assert.equal(admin.status, 200);
  });

  it('rejects bad input with 400 naming the field, and unknown profiles with 404', async () => {
    const token = t.token('u2');
    const badCountry = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'u2', country: 'singapore' } });
    assert.equal(badCountry.status, 400);
    assert.match(badCountry.body.message, /country/);
    const missing = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { country: 'SG' } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /userId/);
    const malformedId = await api(t, 'GET', '/api/web/kycService/status/not-a-profile', { token });
    assert.equal(malformedId.status, 400);
    const unknown = await api(t, 'GET', '/api/web/kycService/status/profile_0123456789abcdef01234567', { token });
    assert.equal(unknown.status, 404);
  });

  it('health and readiness are public; readiness checks Temporal and MongoDB', async () => {
    const health = await api(t, 'GET', '/healthz');
    assert.deepEqual(health, { status: 200, body: { status: 'ok' } });
    const ready = await api(t, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { temporal: 'ok', mongodb: 'ok' });
  });
});

async function eventually<T>(read: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a value');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('API docs', { timeout: 60_000 }, () => {
  let t: AppUnderTest;
  before(async () => (t = await startAppUnderTest()));
  after(async () => t?.close());

  it('serves the OpenAPI document without a token, listing every seed route with bearer auth', async () => {
    const spec = await api(t, 'GET', '/docs/json');
    assert.equal(spec.status, 200);
    const seedRoutes: Array<[string, string]> = [
      ['get', '/kyc/eligibility'], ['get', '/didit/status'], ['post', '/card/apply'],
      ['post', '/api/web/kycService/submit'], ['post', '/api/web/kycService/document'], ['post', '/api/web/kycService/document/upload'],
      ['post', '/api/web/kycService/document/confirm'], ['post', '/api/web/kycService/document/submit'], ['get', '/api/web/kycService/status/{profileId}'],
      ['post', '/api/web/kycService/liveness/start'], ['post', '/api/web/kycService/liveness/verify'], ['get', '/api/web/kycService/liveness/session/{sessionId}'],
      ['post', '/api/web/kycService/callback/liveness'], ['post', '/api/web/kycService/list'], ['get', '/api/web/kycService/detail/{profileId}'],
      ['post', '/api/web/kycService/status/update'], ['post', '/admin/kyc/list'], ['get', '/admin/kyc/detail/{profileId}'], ['post', '/admin/kyc/update-status'],
    ];
    for (const [method, path] of seedRoutes) assert.ok(spec.body.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
    // …with their envelopes and status codes.
    assert.deepEqual(Object.keys(spec.body.paths['/card/apply'].post.responses).sort(), ['200', '400', '401', '402', '429']);
    assert.ok(spec.body.paths['/api/web/kycService/document/upload'].post.responses['422']);
    const envelope = spec.body.paths['/api/web/kycService/submit'].post.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(envelope.properties).sort(), ['code', 'data', 'message']);
    assert.deepEqual(spec.body.security, [{ bearerAuth: [] }]);
  });
});
