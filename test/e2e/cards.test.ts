import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, signedCallback, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { approvedUser, until } from '../helpers/journeys.js';
import { ORPHANED_USE_MS } from '../../stores/payments.store.js';

const shipping = {
  name_on_card: 'JOHN DOE', recipient: 'John Doe', area_code: '+65', phone: '81234567',
  postal_address: '1 Raffles Place', postal_city: 'Singapore', postal_code: '048616', postal_country: 'SG',
};

describe('card application and issuance (seed 001) over the issuer simulator', { timeout: 300_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  before(async () => {
    [t, videos] = await Promise.all([startAppUnderTest({ LIVENESS_MAX_ATTEMPTS: '1' }), SyntheticVideos.create()]);
    await approvedUser(t, videos, 'card_user', [2, 'b']);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
  });

  const token = () => t.token('card_user');
  const sim = (path: string, body?: object) =>
    fetch(`${t.simulatorUrl}${path}`, { method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json() as Promise<any>);
  async function payFee(type: 'virtual' | 'physical') {
    const payment = (await api(t, 'POST', '/payments', { token: token(), body: { type } })).body;
    await sim(`/_simulator/payment-intents/${payment.checkout_url.split('/').pop()}/pay`, { outcome: 'succeed' });
    await until(async () => (await api(t, 'GET', `/payments/${payment.payment_id}`, { token: token() })).body.status === 'completed');
    await until(async () => !!(await t.mongo.db.collection('fee_payments').findOne({ _id: payment.payment_id, status: 'completed' })));
    return payment.payment_id as string;
  }
  let physicalTask: string;
  let physicalCard: number;
  const apply = (body: object, as = token()) => api(t, 'POST', '/card/apply', { token: as, body });
  const task = async (taskId: string) => (await api(t, 'GET', `/card/tasks/${taskId}`, { token: token() })).body;
  const cardsAt = async (taskId: string) => (await sim('/_simulator/issuer/cards')).filter((c: any) => c.reference === taskId);

  it('refuses bad input naming the fields, unapproved KYC with 400 and an unpaid fee with 402', async () => {
    const missing = await apply({ physical: true, name_on_card: 'JOHN DOE' });
    assert.equal(missing.status, 400);
    for (const field of ['recipient', 'area_code', 'phone', 'postal_address', 'postal_city', 'postal_code', 'postal_country']) assert.match(missing.body.error, new RegExp(field));
    const lower = await apply({ ...shipping, physical: true, name_on_card: 'John Doe' });
    assert.match(lower.body.error, /name_on_card: upper-case Latin letters/);
    assert.equal((await apply({ ...shipping, physical: true, postal_country: 'Singapore' })).status, 400);
    const notKyc = await apply({ physical: false }, t.token('stranger'));
    assert.deepEqual([notKyc.status, notKyc.body.error], [400, 'KYC not approved']);
    const unpaid = await apply({ physical: false });
    assert.equal(unpaid.status, 402);
    const bodiless = await api(t, 'POST', '/card/apply', { token: token() });
    assert.equal(bodiless.status, 402, 'no body: every field optional (a virtual card), so the fee is what is missing');
    assert.match(unpaid.body.details, /virtual/);
  });

  it('issues a virtual card synchronously; the same payment does not pay for a second card', async () => {
    await payFee('virtual');
    const applied = await apply({ physical: false });
    assert.equal(applied.status, 200);
    assert.equal(applied.body.status, 'success');
    assert.equal(typeof applied.body.data.card_id, 'number');
    assert.equal(typeof applied.body.data.kyc_id, 'number');
    assert.match(applied.body.data.task_id, /^task_[0-9a-f]{24}$/);
    assert.equal(applied.body.data.physical, false);
    await until(async () => (await api(t, 'GET', '/cards', { token: token() })).body.cards.length === 1);
    const [card] = (await api(t, 'GET', '/cards', { token: token() })).body.cards;
    const shipped = await signedCallback(t, '/card/callback', { event_id: 'evt_virtual', card_id: applied.body.data.card_id, reference: applied.body.data.task_id, stage: 'SHIPPED' }, { sender: 'issuer', secret: t.config.ISSUER_WEBHOOK_SECRET });
    assert.deepEqual([shipped.status, shipped.body], [200, { status: 'ignored', reason: 'a virtual card is not shipped' }]);
    assert.match(card.pan, /^\*{4} \*{4} \*{4} \d{4}$/);
    assert.equal((await apply({ physical: false })).status, 402, 'one payment, one card');
  });

  it('applications racing for one paid fee: one card, the rest 402', async () => {
    const before = (await api(t, 'GET', '/cards', { token: token() })).body.cards.length;
    await payFee('virtual');
    const answers = await Promise.all(Array.from({ length: 3 }, () => apply({ physical: false })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 402, 402], JSON.stringify(answers.map((a) => a.body)));
    await until(async () => (await api(t, 'GET', '/cards', { token: token() })).body.cards.length === before + 1);
    assert.equal((await t.mongo.db.collection('card_applications').countDocuments({ userId: 'card_user' })), before + 1, 'no second application started');
  });

  it('gives back a card fee used by an application that never started (the API died in between), never one whose application did', async () => {
    const fees = t.mongo.db.collection<{ _id: string; userId: string; type: string; consumedBy: string | null }>('fee_payments');
    const uses = t.mongo.db.collection<{ _id: string; consumer: string; at: Date }>('fee_payment_uses');
    const longAgo = new Date(Date.now() - ORPHANED_USE_MS - 60_000);
    const started = await fees.findOne({ userId: 'card_user', type: 'virtual', consumedBy: { $ne: null } });
    await uses.updateOne({ _id: started!._id }, { $set: { at: longAgo } });
    assert.equal((await apply({ physical: false })).status, 402, 'a started application keeps its fee, however old');
    const orphaned = await payFee('virtual');
    const ghost = `task_${'0'.repeat(24)}`;
    await uses.insertOne({ _id: orphaned, consumer: ghost, at: new Date() });
    await fees.updateOne({ _id: orphaned }, { $set: { consumedBy: ghost } });
    assert.equal((await apply({ physical: false })).status, 402, 'a recent use may be a request still on its way');
    await uses.updateOne({ _id: orphaned }, { $set: { at: longAgo } });
    const applied = await apply({ physical: false });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal((await fees.findOne({ _id: orphaned }))?.consumedBy, applied.body.data.task_id);
    assert.equal((await uses.findOne({ _id: orphaned }))?.consumer, applied.body.data.task_id);
  });

  it('follows a physical card through its shipping stages from signed issuer callbacks', async () => {
    await payFee('physical');
    const applied = await apply({ ...shipping, physical: true });
    const taskId = (physicalTask = applied.body.data.task_id);
    const cardId = (physicalCard = applied.body.data.card_id);
    for (const stage of ['EMBOSSED', 'SHIPPED', 'DELIVERED']) assert.equal((await sim(`/_simulator/issuer/cards/${cardId}/fulfil`, { stage })).delivered, 200);
    await until(async () => (await task(taskId)).stage === 'DELIVERED');
    assert.deepEqual((await task(taskId)).stages.map((s: any) => s.stage), ['ISSUING', 'ISSUED', 'EMBOSSED', 'SHIPPED', 'DELIVERED']);
    // Late and out-of-order callbacks (its workflow has ended) are acknowledged with the reason, not a 5xx.
    const late = await signedCallback(t, '/card/callback', { event_id: 'evt_late', card_id: cardId, reference: taskId, stage: 'SHIPPED' }, { sender: 'issuer', secret: t.config.ISSUER_WEBHOOK_SECRET });
    assert.deepEqual([late.status, late.body], [200, { status: 'ignored', reason: 'the card is already DELIVERED' }]);
    const forged = await fetch(`${t.baseUrl}/card/callback`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-issuer-timestamp': String(Date.now()), 'x-issuer-signature': 'ab'.repeat(32) }, body: '{}' });
    assert.equal(forged.status, 401);
  });

  it('retries transient issuer failures; a permanent refusal fails the task and gives the fee back', async () => {
    await payFee('virtual');
    await sim('/_simulator/issuer/script', { transientFailures: 2 });
    const retried = await apply({ physical: false });
    await until(async () => (await task(retried.body.data.task_id)).stage === 'ISSUED');
    assert.equal((await cardsAt(retried.body.data.task_id)).length, 1);

    await payFee('virtual');
    await sim('/_simulator/issuer/script', { permanent: true });
    const refused = await apply({ physical: false });
    await until(async () => (await task(refused.body.data.task_id)).stage === 'FAILED');
    assert.match((await task(refused.body.data.task_id)).failure_reason, /not available/);
    await sim('/_simulator/issuer/script', {});
    await until(async () => (await apply({ physical: false })).status === 200, 20); // the fee came back as credit
  });

  it('never issues two cards for one application, even when the worker dies after the issuer accepted', async () => {
    await payFee('virtual');
    await sim('/_simulator/issuer/script', { delayMs: 4_000 });
    const applied = await apply({ physical: false });
    const taskId = applied.body.data.task_id;
    assert.equal(applied.body.data.card_id, undefined, 'the issuer was too slow: only the task id');
    await until(async () => (await cardsAt(taskId)).length === 1); // the issuer accepted the request…
    await t.restartWorker(); // …and the worker dies before recording the answer
    await sim('/_simulator/issuer/script', {});
    await until(async () => (await task(taskId)).stage === 'ISSUED', 600);
    assert.equal((await cardsAt(taskId)).length, 1, 'one card');
    assert.equal((await task(taskId)).card_id, (await cardsAt(taskId))[0].id);
  });

  it("after its user is erased, a signed issuer callback for the card is acknowledged and ignored (no 5xx for the issuer to retry)", async () => {
    const erased = await api(t, 'POST', '/admin/kyc/users/card_user/erasure', { token: t.token('ops', 'admin'), body: { legalBasis: 'unlawful_processing', overrideLegalHold: { reason: 'test: erase an approved cardholder' } } });
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    const res = await signedCallback(t, '/card/callback', { event_id: 'evt_after_erasure', card_id: physicalCard, reference: physicalTask, stage: 'DELIVERED' }, { sender: 'issuer', secret: t.config.ISSUER_WEBHOOK_SECRET });
    assert.deepEqual([res.status, res.body], [200, { status: 'ignored', reason: "the card application's data was erased" }]);
  });

  it('after erasure the user is no longer verified: no new card, and a new verification may start', async () => {
    const status = (await api(t, 'GET', '/didit/status', { token: token() })).body;
    assert.deepEqual([status.user_kyc_status, status.latest_kyc], ['none', null]);
    await payFee('virtual');
    const refused = await apply({ physical: false });
    assert.deepEqual([refused.status, refused.body.error], [400, 'KYC not approved']);
    const again = await api(t, 'POST', '/api/web/kycService/submit', { token: token(), body: { userId: 'card_user', country: 'SG' } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
