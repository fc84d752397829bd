import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildHttpOnlyApp } from '../../helpers/http-only-app.js';

/** An encoded payload round trip: what the Temporal UI sends the codec endpoint. */
const wire = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') }] };

describe('codec endpoint: the development bypass is opt-in', () => {
  const fromUi = (origin: string, headers: Record<string, string> = {}) =>
    ({ method: 'POST' as const, url: '/codec/encode', remoteAddress: '127.0.0.1', headers: { origin, ...headers }, payload: wire });

  it('in development, the UI origin from loopback still needs a token unless CODEC_TRUST_LOCAL_UI is set', async () => {
    const { app, config } = await buildHttpOnlyApp({ NODE_ENV: 'development' });
    const res = await app.inject(fromUi(config.TEMPORAL_UI_ORIGIN));
    assert.equal(res.statusCode, 401, 'a reverse proxy on the same host must not make everyone a codec user');
    await app.close();
  });

  it('with CODEC_TRUST_LOCAL_UI, serves the local UI without a token, but not through a proxy', async () => {
    const { app, config } = await buildHttpOnlyApp({ CODEC_TRUST_LOCAL_UI: 'true' });
    assert.equal((await app.inject(fromUi(config.TEMPORAL_UI_ORIGIN))).statusCode, 200);
    assert.equal((await app.inject(fromUi(config.TEMPORAL_UI_ORIGIN, { 'x-forwarded-for': '203.0.113.9' }))).statusCode, 401);
    assert.equal((await app.inject(fromUi(config.TEMPORAL_UI_ORIGIN, { forwarded: 'for=203.0.113.9' }))).statusCode, 401);
    assert.equal((await app.inject(fromUi('http://evil.example'))).statusCode, 401);
    assert.equal((await app.inject({ ...fromUi(config.TEMPORAL_UI_ORIGIN), remoteAddress: '198.51.100.7' })).statusCode, 401);
    await app.close();
  });

  it('an admin token always works; a user token is 403', async () => {
    const { app, token } = await buildHttpOnlyApp();
    const asAdmin = await app.inject({ method: 'POST', url: '/codec/encode', headers: { authorization: `Bearer ${token('ops', 'admin')}` }, payload: wire });
    assert.equal(asAdmin.statusCode, 200);
    const asUser = await app.inject({ method: 'POST', url: '/codec/encode', headers: { authorization: `Bearer ${token('u1')}` }, payload: wire });
    assert.equal(asUser.statusCode, 403);
    await app.close();
  });
});
