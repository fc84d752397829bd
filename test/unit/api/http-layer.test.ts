import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import { connect } from 'node:net';
import { buildHttpOnlyApp } from '../../helpers/http-only-app.js';

/**
 * The HTTP layer alone (no Temporal, no MongoDB): token checks, rate limits, framework errors and
 * what the logs keep. Each case here was a defect found by an adversarial probe (issue #14).
 */
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('bearer tokens', async () => {
  const { app, config } = await buildHttpOnlyApp();
  const sign = (claims: Record<string, unknown>) => createSigner({ key: config.JWT_SECRET, algorithm: 'HS256' })(claims);
  const valid = () => ({ sub: 'u1', role: 'user', iss: config.JWT_ISSUER, iat: nowSeconds(), exp: nowSeconds() + 600 });
  // A route that needs only authentication and answers without Temporal or MongoDB: a 400 after auth.
  const status = async (claims: Record<string, unknown>) =>
    (await app.inject({ method: 'GET', url: '/payments/not-a-payment-id', headers: { authorization: `Bearer ${sign(claims)}` } })).statusCode;

  it('a complete, current token passes authentication', async () => {
    assert.equal(await status(valid()), 400);
  });

  it('refuses a token without exp (an admin token would never expire) or without iss', async () => {
    const { exp: _exp, ...noExp } = valid();
    const { iss: _iss, ...noIss } = valid();
    assert.equal(await status(noExp), 401);
    assert.equal(await status({ ...noExp, role: 'admin' }), 401);
    assert.equal(await status(noIss), 401);
    assert.equal(await status({ sub: 'u1', role: 'admin' }), 401);
  });

  it('allows 30 seconds of clock skew on exp and nbf, not more', async () => {
    assert.equal(await status({ ...valid(), exp: nowSeconds() - 2 }), 400, 'a second past exp is within tolerance');
    assert.equal(await status({ ...valid(), nbf: nowSeconds() + 2 }), 400, 'a second before nbf is within tolerance');
    assert.equal(await status({ ...valid(), exp: nowSeconds() - 45 }), 401);
    assert.equal(await status({ ...valid(), nbf: nowSeconds() + 45 }), 401);
  });

  it('refuses a token issued in the future beyond the tolerance', async () => {
    assert.equal(await status({ ...valid(), iat: nowSeconds() + 5 }), 400);
    assert.equal(await status({ ...valid(), iat: nowSeconds() + 3_600, exp: nowSeconds() + 7_200 }), 401);
  });

  it('refuses reserved subjects', async () => {
    for (const sub of ['system', 'System', 'admin', 'anonymous', 'root']) assert.equal(await status({ ...valid(), sub }), 401, sub);
  });

  it('with JWT_AUDIENCE set, a token must name it in aud (another service\'s token is refused)', async () => {
    const { app: strict, config: c, token } = await buildHttpOnlyApp({ JWT_AUDIENCE: 'kycflow-api' });
    const with_ = async (claims: Record<string, unknown>) =>
      (await strict.inject({ method: 'GET', url: '/payments/not-a-payment-id', headers: { authorization: `Bearer ${createSigner({ key: c.JWT_SECRET, algorithm: 'HS256' })(claims)}` } })).statusCode;
    assert.equal(await with_({ ...valid(), aud: 'kycflow-api' }), 400);
    assert.equal(await with_({ ...valid(), aud: 'other-service' }), 401);
    assert.equal(await with_(valid()), 401, 'no aud');
    assert.equal((await strict.inject({ method: 'GET', url: '/payments/not-a-payment-id', headers: { authorization: `Bearer ${token('u1')}` } })).statusCode, 400, 'the token tool names it');
    assert.equal(await status({ ...valid(), aud: 'anything' }), 400, 'unset: aud is not checked');
    await strict.close();
  });
});

describe('rate limits count every request per IP', () => {
  it('unauthenticated floods and unknown routes meet a 429 in the route envelope', async () => {
    const { app } = await buildHttpOnlyApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '5' });
    const badToken = { authorization: 'Bearer nope' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/web/kycService/status/x', headers: badToken })).statusCode);
    statuses.push((await app.inject({ method: 'GET', url: '/no/such/route' })).statusCode);
    const limited = await app.inject({ method: 'GET', url: '/no/such/route' });
    assert.deepEqual(statuses, [401, 401, 401, 401, 401], 'an unknown route is not revealed to an anonymous caller');
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    const seed3 = await app.inject({ method: 'GET', url: '/api/web/kycService/status/x', headers: badToken });
    assert.equal(seed3.statusCode, 429);
    assert.equal(seed3.json().code, 42900, 'seed-003 envelope');
    assert.match((await app.inject({ method: 'GET', url: '/cards', headers: badToken })).json().error, /too many requests/, 'seed-000 envelope');
    const elsewhere = await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '198.51.100.7' });
    assert.equal(elsewhere.statusCode, 200, 'another IP is not limited');
    await app.close();
  });

  it('behind a trusted proxy, counts the client named in X-Forwarded-For; nobody else can name one', async () => {
    const { app } = await buildHttpOnlyApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '2', TRUST_PROXY: '10.0.0.0/8' });
    const via = (remoteAddress: string, client: string) => app.inject({ method: 'GET', url: '/healthz', remoteAddress, headers: { 'x-forwarded-for': client } });
    assert.deepEqual([(await via('10.0.0.5', '198.51.100.1')).statusCode, (await via('10.0.0.5', '198.51.100.1')).statusCode, (await via('10.0.0.5', '198.51.100.1')).statusCode], [200, 200, 429]);
    assert.equal((await via('10.0.0.5', '198.51.100.2')).statusCode, 200, 'another client behind the proxy');
    const spoofer = [(await via('203.0.113.9', '198.51.100.3')).statusCode, (await via('203.0.113.9', '198.51.100.4')).statusCode, (await via('203.0.113.9', '198.51.100.5')).statusCode];
    assert.deepEqual(spoofer, [200, 200, 429], 'an untrusted sender is counted by its own address');
    await app.close();
  });

  it('write routes keep the per-IP limit besides the per-user one', async () => {
    const { app, token } = await buildHttpOnlyApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '5', RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100' });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      // Different users from one IP, each with a bad body (answered before any store is reached).
      const res = await app.inject({ method: 'POST', url: '/payments', headers: { authorization: `Bearer ${token(`user_${i}`)}` }, payload: { type: 'bogus' } });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429]);
    await app.close();
  });
});

describe('framework errors use the route envelope and echo nothing back', () => {
  it('an over-long path parameter is a 414 in the envelope, without the path', async () => {
    const { app, token } = await buildHttpOnlyApp();
    const headers = { authorization: `Bearer ${token('u1')}` };
    const long = 'a'.repeat(8_000);
    const seed3 = await app.inject({ method: 'GET', url: `/api/web/kycService/status/${long}`, headers });
    assert.equal(seed3.statusCode, 414);
    assert.equal(seed3.json().code, 41400);
    assert.ok(seed3.body.length < 300, `answer of ${seed3.body.length} bytes`);
    assert.doesNotMatch(seed3.body, /FST_|aaaaaaaaaa/);
    const seed1 = await app.inject({ method: 'GET', url: `/card/tasks/${long}`, headers });
    assert.equal(seed1.statusCode, 414);
    assert.deepEqual(Object.keys(seed1.json()).sort(), ['details', 'error']);
    assert.doesNotMatch(seed1.body, /FST_|aaaaaaaaaa/);
    await app.close();
  });

  it('requests that are not valid HTTP get the envelope too, then the connection closes', async () => {
    const { app, token } = await buildHttpOnlyApp();
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const raw = (request: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
    const cases: Array<[string, number]> = [
      ['GET /kyc/eligibility HTTP/1.1\r\nHost: x\r\nX-Bad Header: 1\r\n\r\n', 400],
      ['GET /api/web/kycService/status/a b HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['POST /payments HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
      [`GET /kyc/eligibility HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token('u1')}${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ];
    for (const [request, status] of cases) {
      const answer = await raw(request);
      const [head, body] = answer.split('\r\n\r\n');
      assert.match(head ?? '', new RegExp(`^HTTP/1.1 ${status} `), request.slice(0, 40));
      assert.deepEqual(Object.keys(JSON.parse(body ?? '')).sort(), ['details', 'error'], answer);
    }
    await app.close();
  });

  it('an unknown route does not echo a long path', async () => {
    const { app, token } = await buildHttpOnlyApp();
    const res = await app.inject({ method: 'GET', url: `/${'x/'.repeat(4_000)}`, headers: { authorization: `Bearer ${token('u1')}` } });
    assert.equal(res.statusCode, 404);
    assert.ok(res.body.length < 300, `answer of ${res.body.length} bytes`);
    await app.close();
  });
});

describe('logs', () => {
  it('never hold a token or signature sent in the query string', async () => {
    const { app, logs } = await buildHttpOnlyApp();
    await app.inject({ method: 'GET', url: '/healthz?access_token=eyJhbGciOi.secretpart.sig&profileId=p1' });
    await app.inject({ method: 'GET', url: '/cards?token=another-secret-value' });
    await app.inject({ method: 'GET', url: '/healthz?signature=abcdef0123456789&apiKey=k-123456789' });
    assert.match(logs.text, /profileId=p1/, 'harmless parameters stay readable');
    for (const secret of ['eyJhbGciOi', 'secretpart', 'another-secret-value', 'abcdef0123456789', 'k-123456789']) assert.ok(!logs.text.includes(secret), secret);
    await app.close();
  });
});

describe('face blocklist routes (HTTP layer)', async () => {
  const { app, token } = await buildHttpOnlyApp();
  const call = (method: 'POST' | 'DELETE', url: string, sub: string, role: 'user' | 'admin', payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token(sub, role)}` }, ...(payload ? { payload } : {}) });

  it('only admins block faces; a malformed profile id, reason or blocklist id is a 400 with the envelope, before any lookup', async () => {
    const profileId = `profile_${'a'.repeat(24)}`;
    assert.equal((await call('POST', '/admin/kyc/screening/blocklist/face', 'u1', 'user', { profileId, reason: 'fraud ring' })).statusCode, 403);
    for (const body of [{ profileId: 'profile_nope', reason: 'fraud ring' }, { profileId, reason: 'x' }, { profileId }]) {
      const res = await call('POST', '/admin/kyc/screening/blocklist/face', 'ops', 'admin', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(typeof res.json().message, 'string');
    }
    assert.equal((await call('DELETE', '/admin/kyc/screening/blocklist/face:profile_nope', 'ops', 'admin')).statusCode, 400);
    assert.equal((await call('DELETE', `/admin/kyc/screening/blocklist/face:${profileId}x`, 'ops', 'admin')).statusCode, 400);
    await app.close();
  });
});
