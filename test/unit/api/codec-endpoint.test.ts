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

  it('a payload it cannot open is a 400 in its own words, never echoing the key id or the cipher text', async () => {
    const { app, token } = await buildHttpOnlyApp();
    const headers = { authorization: `Bearer ${token('ops', 'admin')}` };
    const sealed = (await app.inject({ method: 'POST', url: '/codec/encode', headers, payload: wire })).json().payloads[0];
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const longKeyId = `k<script>${'x'.repeat(4000)}`;
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[flipped.length - 1]! ^= 1;
    const cases = [
      { ...sealed, metadata: { ...sealed.metadata, 'encryption-key-id': b64(longKeyId) } },
      { ...sealed, data: flipped.toString('base64') },
      { ...sealed, data: b64('short') },
    ];
    for (const payload of cases) {
      const res = await app.inject({ method: 'POST', url: '/codec/decode', headers, payload: { payloads: [payload] } });
      assert.equal(res.statusCode, 400, res.body);
      const { error: message } = res.json();
      assert.match(message, /^cannot decode: the (payload names an encryption key that is not configured|sealed data was changed, or sealed with another key|sealed data is too short)$/);
      assert.ok(res.body.length < 300 && !res.body.includes('xxxx') && !res.body.includes('authenticate'), res.body);
    }
    await app.close();
  });
});
