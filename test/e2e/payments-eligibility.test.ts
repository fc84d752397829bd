import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signBody } from '../../domain/hmac-signature.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

describe('KYC fee: pay → eligible → submit (seed 000), over the processor simulator', { timeout: 90_000 }, () => {
  let t: AppUnderTest;
  before(async () => (t = await startAppUnderTest({ KYC_FEE_WAIVED: 'false' })));
  after(async () => t?.close());

  const intentOf = (checkoutUrl: string) => checkoutUrl.split('/').pop()!;
  const pay = (checkoutUrl: string, body: object) =>
    fetch(`${t.simulatorUrl}/_simulator/payment-intents/${intentOf(checkoutUrl)}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ delivered: number[] }>);
  async function until(token: string, paymentId: string, status: string) {
    for (let i = 0; i < 100; i++) {
      const res = await api(t, 'GET', `/payments/${paymentId}`, { token });
      if (res.body.status === status) return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`payment never became ${status}`);
  }

  /** Eligibility reads the read model, which follows the workflow a moment later. */
  async function eligibilityWhen(token: string, ready: (e: any) => boolean) {
    let eligibility = (await api(t, 'GET', '/kyc/eligibility', { token })).body;
    for (let i = 0; i < 50 && !ready(eligibility); i++) {
      await new Promise((r) => setTimeout(r, 100));
      eligibility = (await api(t, 'GET', '/kyc/eligibility', { token })).body;
    }
    return eligibility;
  }

  it('an unpaid user is told to pay, and submit is refused with 402', async () => {
    const token = t.token('payer_1');
    assert.deepEqual((await api(t, 'GET', '/kyc/eligibility', { token })).body, {
      eligible: false, payment_status: 'none', payment_type: 'kyc', reason: 'KYC fee payment required before KYC verification', required_action: 'create_kyc_payment', status: 'success',
    });
    const unknown = await api(t, 'GET', '/didit/status', { token });
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys(unknown.body).sort(), ['details', 'error']);
    const refused = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'payer_1', country: 'SG' } });
    assert.equal(refused.status, 402);
    assert.equal(refused.body.code, 40200);
    assert.equal(refused.body.data.required_action, 'create_kyc_payment');
  });

  it('pays, becomes eligible, submits; the fee is then used up', async () => {
    const token = t.token('payer_2');
    const created = await fetch(`${t.baseUrl}/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'key-payer-2-0001' },
      body: JSON.stringify({ type: 'kyc' }),
    });
    assert.equal(created.status, 201);
    const payment = (await created.json()) as any;
    assert.equal(payment.status, 'pending');
    assert.equal(payment.amount, 500);
    assert.match(payment.checkout_url, /\/checkout\/pi_/);

    const sameKey = await fetch(`${t.baseUrl}/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'key-payer-2-0001' },
      body: JSON.stringify({ type: 'kyc' }),
    });
    assert.equal(sameKey.status, 200);
    assert.equal(((await sameKey.json()) as any).payment_id, payment.payment_id);
    const open = await api(t, 'POST', '/payments', { token, body: { type: 'kyc' } });
    assert.equal(open.body.payment_id, payment.payment_id, 'one open payment per user and type');

    assert.equal((await api(t, 'GET', '/kyc/eligibility', { token })).body.required_action, 'complete_payment');
    assert.deepEqual((await pay(payment.checkout_url, { outcome: 'succeed', processing: true })).delivered, [200, 200]);
    await until(token, payment.payment_id, 'completed');

    const eligible = await eligibilityWhen(token, (e) => e.eligible);
    assert.equal(eligible.eligible, true, JSON.stringify(eligible));
    assert.equal(eligible.payment_status, 'completed');
    const again = await api(t, 'POST', '/payments', { token, body: { type: 'kyc' } });
    assert.deepEqual([again.status, again.body.payment_id, again.body.status], [200, payment.payment_id, 'completed'], 'a paid, unused fee is not charged twice');
    assert.equal((await api(t, 'GET', '/kyc/eligibility', { token })).body.eligible, true);

    const submitted = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'payer_2', country: 'SG' } });
    assert.equal(submitted.status, 200);
    const status = (await api(t, 'GET', '/didit/status', { token })).body;
    assert.equal(status.user_kyc_status, 'pending');
    assert.equal(status.can_submit_kyc, false);
    assert.equal(status.latest_kyc.status, 'pending_submit');
    assert.equal(status.latest_kyc.pokepay_status, 1);
    assert.equal(typeof status.latest_kyc.id, 'number');
    assert.match(status.latest_kyc.agent_uid, /^upayer_2_\d{10}_[0-9a-f]{8}$/);
    assert.equal(status.latest_kyc.fail_reason, '');
    assert.equal((await api(t, 'GET', '/kyc/eligibility', { token })).body.required_action, 'create_kyc_payment', 'the fee paid for that profile');
  });

  it('a declined payment fails with its reason and asks for a new one', async () => {
    const token = t.token('payer_3');
    const payment = (await api(t, 'POST', '/payments', { token, body: { type: 'kyc' } })).body;
    await pay(payment.checkout_url, { outcome: 'fail', failureReason: 'insufficient funds' });
    const failed = await until(token, payment.payment_id, 'failed');
    assert.equal(failed.failure_reason, 'insufficient funds');
    const eligibility = await eligibilityWhen(token, (e) => e.payment_status === 'failed');
    assert.deepEqual([eligibility.payment_status, eligibility.required_action], ['failed', 'create_kyc_payment']);
    const next = await api(t, 'POST', '/payments', { token, body: { type: 'kyc' } });
    assert.equal(next.status, 201);
    assert.notEqual(next.body.payment_id, payment.payment_id);
  });

  it('callbacks: bad or stale signatures are 401, unknown payments 404, repeats change nothing and say why', async () => {
    const token = t.token('payer_4');
    const payment = (await api(t, 'POST', '/payments', { token, body: { type: 'virtual' } })).body;
    const event = (id: string, reference = payment.payment_id) => JSON.stringify({
      id, type: 'payment_intent.succeeded', created: Date.now(), data: { intent_id: intentOf(payment.checkout_url), reference, amount: 1000, currency: 'USD' },
    });
    const send = (body: string, opts: { secret?: string; timestamp?: number } = {}) => {
      const timestamp = String(opts.timestamp ?? Date.now());
      return fetch(`${t.baseUrl}/payments/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-payments-timestamp': timestamp, 'x-payments-signature': signBody(opts.secret ?? t.config.PAYMENTS_WEBHOOK_SECRET, timestamp, body) },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    };
    const forged = await send(event('evt_1'), { secret: 'not-the-secret-at-all' });
    assert.deepEqual([forged.status, forged.body.error], [401, 'webhook signature mismatch']);
    assert.equal((await send(event('evt_1'), { timestamp: Date.now() - 3_600_000 })).body.error, 'webhook signature stale');
    assert.equal((await api(t, 'GET', `/payments/${payment.payment_id}`, { token })).body.status, 'pending', 'forged events change nothing');
    assert.equal((await send(event('evt_2', 'pay_000000000000000000000000'))).status, 404);

    assert.deepEqual((await send(event('evt_3'))).body, { status: 'accepted' });
    await until(token, payment.payment_id, 'completed');
    const repeated = await send(event('evt_3'));
    assert.equal(repeated.status, 200);
    assert.equal(repeated.body.status, 'ignored');
    assert.match(repeated.body.reason, /event already received|already completed/);
    const late = await send(event('evt_4'));
    assert.deepEqual(late.body, { status: 'ignored', reason: 'payment already completed' });
  });

  it('contradictory callbacks at once: one is accepted and decides, the other hears it was ignored', async () => {
    const token = t.token('payer_7');
    const payment = (await api(t, 'POST', '/payments', { token, body: { type: 'virtual' } })).body;
    const send = (id: string, type: string) => {
      const body = JSON.stringify({ id, type, created: Date.now(), data: { intent_id: intentOf(payment.checkout_url), reference: payment.payment_id } });
      const timestamp = String(Date.now());
      return fetch(`${t.baseUrl}/payments/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-payments-timestamp': timestamp, 'x-payments-signature': signBody(t.config.PAYMENTS_WEBHOOK_SECRET, timestamp, body) },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    };
    const answers = await Promise.all([send('evt_ok', 'payment_intent.succeeded'), send('evt_no', 'payment_intent.payment_failed')]);
    assert.deepEqual(answers.map((a) => a.status), [200, 200]);
    const accepted = answers.findIndex((a) => a.body.status === 'accepted');
    assert.notEqual(accepted, -1, JSON.stringify(answers.map((a) => a.body)));
    const outcome = accepted === 0 ? 'completed' : 'failed';
    assert.deepEqual(answers[1 - accepted]!.body, { status: 'ignored', reason: `payment already ${outcome}` });
    await until(token, payment.payment_id, outcome);
  });

  it("someone else's payment is 404 and bad input is 400", async () => {
    const payment = (await api(t, 'POST', '/payments', { token: t.token('payer_5'), body: { type: 'physical' } })).body;
    assert.equal((await api(t, 'GET', `/payments/${payment.payment_id}`, { token: t.token('payer_6') })).status, 404);
    const badType = await api(t, 'POST', '/payments', { token: t.token('payer_5'), body: { type: 'gold' } });
    assert.equal(badType.status, 400);
    assert.match(badType.body.error, /type/);
  });
});
