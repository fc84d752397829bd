import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMetricsServer } from '../../api/plugins/metrics.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { LogCapture } from '../helpers/http-only-app.js';

describe('API hygiene: logs, limits, headers, metrics', { timeout: 60_000 }, () => {
  let t: AppUnderTest;
  const logs = new LogCapture();
  before(async () => {
    t = await startAppUnderTest({ LOG_LEVEL: 'debug', RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '3' }, { logStream: logs });
  });
  after(async () => t?.close());

  it('logs request id and user id, but no PII and no credentials', async () => {
    const token = t.token('log_user');
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'log_user', country: 'SG' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', {
      token,
      body: { profileId, docType: 'PASSPORT', docNumber: 'X9876543', frontImageUrl: 'https://cdn.example/front.jpg', expiryDate: '2036-06-30' },
    });
    const res = await fetch(`${t.baseUrl}/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'trace-abc-12345' },
      body: JSON.stringify({ name: 'Zelda Quartermain', birthDate: '1987-03-04' }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'trace-abc-12345');

    const text = logs.text;
    assert.match(text, /"requestId":"trace-abc-12345"/);
    assert.match(text, /"userId":"log_user"/);
    assert.match(text, /"body":\{[^}]*"name":"\[redacted\]"/, 'bodies are logged at debug level, redacted');
    for (const secret of ['Zelda', 'Quartermain', '1987-03-04', 'X9876543', '2036-06-30', token, 'Bearer']) {
      assert.ok(!text.includes(secret), `log output contains ${secret.slice(0, 12)}`);
    }
  });

  it('limits writes per user with a 429 in the route envelope', async () => {
    const token = t.token('busy_user');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'busy_user', country: 'SG' } }));
    assert.deepEqual(statuses.map((s) => s.status), [200, 200, 200, 429, 429]);
    assert.equal(statuses[3]!.body.code, 42900);
    assert.match(statuses[3]!.body.message, /too many requests/);
    const other = await api(t, 'POST', '/api/web/kycService/submit', { token: t.token('calm_user'), body: { userId: 'calm_user', country: 'SG' } });
    assert.equal(other.status, 200, 'another user is not limited');
  });

  it('sends security headers', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('strict-transport-security'));
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  it('exports Prometheus metrics by route template, on the internal listener', async () => {
    const server = await startMetricsServer(t.app.metrics, '127.0.0.1', 0);
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.match(body, /kycflow_http_request_duration_seconds_count\{method="POST",route="\/api\/web\/kycService\/submit",status="200"\} \d+/);
      assert.match(body, /kycflow_api_process_resident_memory_bytes/);
      assert.doesNotMatch(body, /profile_[0-9a-f]{24}/, 'no ids in labels');
    } finally {
      server.close();
    }
  });
});
