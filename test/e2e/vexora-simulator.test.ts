import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vexoraSign } from '../../domain/vexora.js';
import { buildVexoraSimulator } from '../../simulators/vexora.simulator.js';

const merchantNo = 'M-TEST';
const appSecret = 'simulator-test-secret';

describe('Vexora simulator speaks seed 002 over HTTP', () => {
  const sim = buildVexoraSimulator({ merchantNo, appSecret });
  let base = '';
  before(async () => (base = await sim.listen({ host: '127.0.0.1', port: 0 })));
  after(() => sim.close());

  async function call(path: string, userId: string, opts: { secret?: string; merchant?: string; timestamp?: number } = {}) {
    const body = { userId, timestamp: String(opts.timestamp ?? Date.now()) };
    const signed = { ...body, sign: vexoraSign(body, opts.secret ?? appSecret) };
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', merchantNo: opts.merchant ?? merchantNo },
      body: JSON.stringify(signed),
    });
    return { status: res.status, body: await res.json() as any };
  }
  const script = (scenario: object) =>
    fetch(`${base}/_simulator/vexora/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });

  it('approves after the scripted number of under-review polls', async () => {
    await script({ userId: 'u-approve', outcome: 'approve', afterPolls: 2 });
    assert.equal((await call('/v1/vexora/kycApply', 'u-approve')).body.code, '0000');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('/v1/vexora/kycStatusQuery', 'u-approve')).body.data.authenticationStatus);
    assert.deepEqual(statuses, ['1', '1', '2']);
  });

  it('rejects with the scripted reason, after a 500 outage', async () => {
    await script({ userId: 'u-reject', outcome: 'reject', failReason: 'blurry document', errorPolls: 1 });
    await call('/v1/vexora/kycApply', 'u-reject');
    const outage = await call('/v1/vexora/kycStatusQuery', 'u-reject');
    assert.equal(outage.status, 500);
    const answer = await call('/v1/vexora/kycStatusQuery', 'u-reject');
    assert.deepEqual(answer.body.data, { authenticationStatus: '3', failReason: 'blurry document' });
    assert.equal(answer.body.success, true);
  });

  it('refuses a bad signature, a wrong merchant and a stale timestamp in its envelope', async () => {
    await call('/v1/vexora/kycApply', 'u-auth');
    const badSign = await call('/v1/vexora/kycStatusQuery', 'u-auth', { secret: 'wrong' });
    assert.deepEqual([badSign.body.code, badSign.body.success], ['1002', false]);
    const badMerchant = await call('/v1/vexora/kycStatusQuery', 'u-auth', { merchant: 'M-OTHER' });
    assert.equal(badMerchant.body.code, '1001');
    const stale = await call('/v1/vexora/kycStatusQuery', 'u-auth', { timestamp: Date.now() - 10 * 60_000 });
    assert.equal(stale.body.code, '1003');
  });
});
