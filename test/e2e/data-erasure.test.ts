import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { createServer, type Server } from 'node:http';
import type { ObjectId } from 'mongodb';
import { PayloadErasedError } from '../../codec/data-keys.js';
import { encryptingDataConverter, payloadCodecFor } from '../../codec/payload-codec.js';
import { checkSignature } from '../../domain/hmac-signature.js';
import { kycProfileWorkflowId } from '../../domain/ids.js';
import { saveKycProfile } from '../../stores/kyc-profiles.store.js';
import { saveFingerprint } from '../../stores/liveness-fingerprints.store.js';
import type { kycProfileWorkflow } from '../../workflows/kyc-profile.workflow.js';
import { generateDocument, type SyntheticDocument } from '../support/synthetic-documents.js';
import { api, signedCallback, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { until } from '../helpers/journeys.js';
import { emptyReviewState } from '../../domain/review.js';

const WEBHOOK_SECRET = 'erasure-webhook-secret-1';

/** Receives signed events; remembers those with a valid signature. */
function startReceiver() {
  const events: Array<{ eventId: string; type: string; data: Record<string, unknown> }> = [];
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      const verdict = checkSignature(WEBHOOK_SECRET, { timestamp: String(req.headers['x-kycflow-timestamp']), signature: String(req.headers['x-kycflow-signature']) }, body, Date.now());
      if (verdict !== 'ok') badSignatures++;
      else events.push(JSON.parse(body));
      res.writeHead(verdict === 'ok' ? 200 : 401).end();
    });
  });
  return { server, events, badSignatures: () => badSignatures };
}

/** The history as the Temporal server stores it (no codec), and its bytes. */
async function rawHistory(t: AppUnderTest, workflowId: string) {
  const plain = new Client({ connection: t.client.connection, namespace: t.config.TEMPORAL_NAMESPACE });
  const history = await plain.workflow.getHandle(workflowId).fetchHistory();
  return { history, bytes: Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()) };
}

const wireOf = (payloads: proto.temporal.api.common.v1.IPayload[]) => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  })),
});

describe('erasure on request: crypto-shredded history, no files, redacted read model', { timeout: 240_000 }, () => {
  let t: AppUnderTest;
  const receiver = startReceiver();
  const admin = () => t.token('ops', 'admin');
  const erase = (userId: string, body: object, token = admin()) => api(t, 'POST', `/admin/kyc/users/${userId}/erasure`, { token, body });

  before(async () => {
    const url = await new Promise<string>((resolve) => receiver.server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/hooks`)));
    t = await startAppUnderTest({ WEBHOOK_URL: url, WEBHOOK_SECRET });
  });
  after(async () => {
    await t?.close();
    receiver.server.close();
  });

  describe('a user with an open profile, an uploaded passport and a fee payment', () => {
    const userId = 'erase_me';
    let profileId: string;
    let passport: SyntheticDocument;
    let pii: string[];
    let payment: { payment_id: string; checkout_url: string };

    before(async () => {
      const token = t.token(userId);
      const paid = await api(t, 'POST', '/payments', { token, body: { type: 'virtual' } });
      assert.equal(paid.status, 201);
      payment = paid.body;
      profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'SG' } })).body.data.profileId;
      passport = await generateDocument({ kind: 'TD3', seed: 11 });
      const form = new FormData();
      form.set('profileId', profileId);
      form.set('docType', 'PASSPORT');
      form.set('country', 'SG');
      form.set('frontImage', new Blob([new Uint8Array(passport.png)]), 'passport.png');
      const uploaded = await fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      assert.equal(uploaded.status, 200);
      const { documentId } = ((await uploaded.json()) as any).data;
      const { name, idNumber, birthDate } = passport.truth.fields;
      pii = [name!, idNumber!, birthDate!];
      await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${documentId}`, { token, body: { name } });
      // Replay fingerprints of liveness videos, the user's and someone else's.
      const fingerprint = { times: [0], hashes: ['00'], grids: '' };
      await saveFingerprint(t.mongo.db, 'video_of_erase_me', userId, ['k1'], fingerprint);
      await saveFingerprint(t.mongo.db, 'video_of_other', 'someone_else', ['k1'], fingerprint);
    });

    it('the export (right of access) holds everything, with links to the files', async () => {
      const res = await api(t, 'GET', `/admin/kyc/users/${userId}/export`, { token: admin() });
      assert.equal(res.status, 200);
      const data = res.body.data;
      assert.equal(data.userId, userId);
      assert.equal(data.kyc_profiles[0].profileId, profileId);
      assert.equal(data.kyc_profiles[0].document.confirmed.name, pii[0]);
      assert.equal(data.files.length, 1);
      assert.equal(data.files[0].profileId, profileId);
      assert.match(data.files[0].url, /^\/api\/web\/kycService\/files\/[0-9a-f]{24}$/);
      assert.equal(data.fee_payments.length, 1);
      assert.deepEqual(data.data_erasures, []);
      assert.equal(data.workflowHistories.readable, 2, 'the profile and the payment');
      const file = await fetch(t.baseUrl + data.files[0].url, { headers: { authorization: `Bearer ${admin()}` } });
      assert.equal(file.status, 200);
    });

    it('erases: workflows stopped, files deleted, read model redacted, data keys destroyed, logged, announced', async () => {
      const res = await erase(userId, { legalBasis: 'data_subject_request', note: 'ticket 4711' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const result = res.body.data;
      assert.equal(result.status, 'completed');
      assert.match(result.erasureId, /^erasure_[0-9a-f]{24}$/);
      assert.deepEqual(result.profileIds, [profileId]);
      assert.equal(result.erased.files, 1);
      assert.equal(result.erased.kyc_profiles, 1);
      assert.equal(result.erased.liveness_fingerprints, 1);
      const fingerprints = await t.mongo.db.collection('liveness_fingerprints').find({}, { projection: { _id: 1 } }).toArray();
      assert.deepEqual(fingerprints.map((f) => f._id), ['video_of_other'], "only the other user's fingerprint is left");
      assert.equal(result.dataKeysDestroyed, 2);
      assert.equal(result.workflowsTerminated, 2, 'the open profile and the pending payment');
      assert.equal(result.workflowsDeleted, 0, 'every payload was sealed with a data key');

      const log = (await api(t, 'GET', `/admin/kyc/users/${userId}/erasures`, { token: admin() })).body.data.items;
      assert.equal(log.length, 1);
      assert.deepEqual([log[0]._id, log[0].status, log[0].requestedBy, log[0].legalBasis, log[0].note], [result.erasureId, 'completed', 'ops', 'data_subject_request', 'ticket 4711']);

      await until(async () => receiver.events.some((e) => e.type === 'kyc.profile.erased'));
      const event = receiver.events.find((e) => e.type === 'kyc.profile.erased')!;
      assert.deepEqual(event.data, { profileId, userId, erasureId: result.erasureId, scope: 'user', legalBasis: 'data_subject_request' });
      assert.equal(receiver.badSignatures(), 0);
    });

    it('the raw Temporal history holds no readable PII: the codec refuses it as erased', async () => {
      const { history, bytes } = await rawHistory(t, kycProfileWorkflowId(profileId));
      for (const value of pii) assert.ok(!bytes.includes(value), `${value} in the raw history`);
      const payloads = (history.events ?? []).flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
      assert.ok(payloads.length >= 2, 'the upload and confirm updates carried payloads');
      await assert.rejects(payloadCodecFor(t.config.PAYLOAD_ENCRYPTION_KEYS, t.mongo.db).decode(payloads), PayloadErasedError);

      const decoded = await api(t, 'POST', '/codec/decode', { token: admin(), body: wireOf(payloads) });
      assert.equal(decoded.status, 200);
      for (const p of decoded.body.payloads) {
        const note = JSON.parse(Buffer.from(p.data, 'base64').toString());
        assert.equal(note.erased, true);
        assert.match(note.message, /erased/);
      }
      const terminated = history.events?.at(-1)?.workflowExecutionTerminatedEventAttributes;
      assert.match(terminated?.reason ?? '', /data erased \(erasure_/);
    });

    it('GridFS holds none of the files, and the read model no PII', async () => {
      assert.equal(await t.mongo.db.collection('uploads.files').countDocuments({ 'metadata.userId': userId }), 0);
      const doc = await t.mongo.db.collection('kyc_profiles').findOne({ _id: profileId as never });
      assert.ok(doc?.erasedAt instanceof Date);
      assert.equal(doc?.document, null);
      const stored = JSON.stringify(doc);
      for (const value of pii) assert.ok(!stored.includes(value), `${value} in the read model`);
      const chunks = await t.mongo.db.collection('uploads.chunks').find({}, { projection: { files_id: 1 } }).toArray();
      const live = new Set((await t.mongo.db.collection('uploads.files').find({}, { projection: { _id: 1 } }).toArray()).map((f) => String(f._id)));
      assert.ok(chunks.every((c) => live.has(String(c.files_id as ObjectId))), 'no orphaned chunks');
    });

    it("the user's status route answers the redacted record; steps on the profile are gone (410)", async () => {
      const token = t.token(userId);
      const status = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token });
      assert.equal(status.status, 200);
      const record = status.body.data.status;
      assert.equal(record.profileId, profileId);
      assert.deepEqual([record.stage, record.status], ['CANCELLED', 'cancelled'], 'erased before its decision: it ends there');
      const app = (await api(t, 'GET', '/didit/status', { token })).body;
      assert.deepEqual([app.user_kyc_status, app.latest_kyc], ['none', null], 'not "in progress" in the app');
      assert.equal(record.document, null);
      assert.ok(record.erasedAt);
      assert.ok(!JSON.stringify(record).includes(pii[0]!));
      const started = await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token });
      assert.equal(started.status, 410);
      const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
      assert.equal(detail.status, 200);
      assert.ok(detail.body.data.profile.erasedAt);
      assert.ok(detail.body.data.timeline.some((e: { type: string }) => e.type === 'WORKFLOW_EXECUTION_TERMINATED'));
    });

    it('erasing again is a no-op: same erasure, no new log entry, no new event', async () => {
      const first = (await api(t, 'GET', `/admin/kyc/users/${userId}/erasures`, { token: admin() })).body.data.items[0];
      const events = receiver.events.length;
      const again = await erase(userId, { legalBasis: 'data_subject_request' });
      assert.equal(again.status, 200);
      assert.deepEqual([again.body.data.status, again.body.data.erasureId], ['already_erased', first._id]);
      assert.equal((await api(t, 'GET', `/admin/kyc/users/${userId}/erasures`, { token: admin() })).body.data.items.length, 1);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(receiver.events.length, events);
    });

    it("a signed processor callback for the erased user's payment is acknowledged and ignored (no 5xx for the sender to retry)", async () => {
      const event = { id: 'evt_after_erasure', type: 'payment_intent.succeeded', created: Date.now(), data: { intent_id: payment.checkout_url.split('/').pop(), reference: payment.payment_id } };
      const res = await signedCallback(t, '/payments/callback', event, { sender: 'payments', secret: t.config.PAYMENTS_WEBHOOK_SECRET });
      assert.deepEqual([res.status, res.body], [200, { status: 'ignored', reason: "the payment's data was erased" }]);
    });

    it('the export afterwards shows only what is kept', async () => {
      const data = (await api(t, 'GET', `/admin/kyc/users/${userId}/export`, { token: admin() })).body.data;
      assert.deepEqual(data.files, []);
      assert.equal(data.kyc_profiles[0].document, null);
      assert.equal(data.data_erasures.length, 1);
      assert.equal(data.workflowHistories.readable, 0);
      for (const value of pii) assert.ok(!JSON.stringify(data).includes(value));
    });

    it('the user can start afresh with a new profile', async () => {
      const again = await api(t, 'POST', '/api/web/kycService/submit', { token: t.token(userId), body: { userId, country: 'SG' } });
      assert.equal(again.status, 200);
      assert.notEqual(again.body.data.profileId, profileId);
    });
  });

  it('requests that arrive together join one erasure: one erasure id, one log entry, one announcement', async () => {
    const userId = 'erase_together';
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token: t.token(userId), body: { userId, country: 'SG' } })).body.data.profileId;
    const answers = await Promise.all(Array.from({ length: 4 }, () => erase(userId, { legalBasis: 'data_subject_request' })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200], JSON.stringify(answers.map((a) => a.body)));
    const ids = new Set(answers.map((a) => a.body.data.erasureId));
    assert.equal(ids.size, 1, `one erasure for all four: ${[...ids].join(', ')}`);
    const log = (await api(t, 'GET', `/admin/kyc/users/${userId}/erasures`, { token: admin() })).body.data.items;
    assert.deepEqual(log.map((e: { _id: string; status: string }) => [e._id, e.status]), [[[...ids][0], 'completed']]);
    await until(async () => receiver.events.some((e) => e.type === 'kyc.profile.erased' && e.data.profileId === profileId));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(receiver.events.filter((e) => e.type === 'kyc.profile.erased' && e.data.profileId === profileId).length, 1);
  });

  describe('legal hold', () => {
    const userId = 'held_customer';
    before(async () => {
      // An approved customer, active today (its read model as the workflow would have written it).
      const now = new Date().toISOString();
      await saveKycProfile(t.mongo.db, 5, {
        profileId: 'profile_0000000000000000000000aa', recordId: 100000000001, agentUid: 'u_held', userId, country: 'SG', stage: 'APPROVED', status: 'approved',
        document: null, liveness: null, faceMatch: null, provider: null, reviewReasons: [], decisions: [], reviewOverdue: false, failReason: null, resubmission: null, review: emptyReviewState(), createdAt: now, updatedAt: now,
      });
    });

    it('refuses to erase an approved customer within the retention period, saying until when', async () => {
      const res = await erase(userId, { legalBasis: 'consent_withdrawn' });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 40900);
      assert.match(res.body.message, /legal hold: approved customer/);
      assert.ok(Date.parse(res.body.data.legalHold.until) > Date.now() + 4 * 365 * 86_400_000);
      assert.equal((await t.mongo.db.collection('kyc_profiles').findOne({ userId }))?.erasedAt, undefined, 'nothing erased');
    });

    it('an admin override with a reason erases, and the log records it', async () => {
      const res = await erase(userId, { legalBasis: 'unlawful_processing', overrideLegalHold: { reason: 'court order 2024/17 requires erasure' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.erased.kyc_profiles, 1);
      const [entry] = (await api(t, 'GET', `/admin/kyc/users/${userId}/erasures`, { token: admin() })).body.data.items;
      assert.deepEqual(entry.legalHoldOverride, { reason: 'court order 2024/17 requires erasure' });
    });
  });

  it('a history sealed with a master key (before data keys) cannot be shredded, so it is deleted', async () => {
    const userId = 'legacy_subject';
    const profileId = 'profile_0000000000000000000000bb';
    const masterOnly = new Client({ connection: t.client.connection, namespace: t.config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(t.config.PAYLOAD_ENCRYPTION_KEYS) });
    await masterOnly.workflow.start<typeof kycProfileWorkflow>('kycProfileWorkflow', {
      workflowId: kycProfileWorkflowId(profileId),
      taskQueue: t.config.TEMPORAL_TASK_QUEUE,
      args: [{ profileId, userId, country: 'SG', ttlMs: 3_600_000 }],
    });
    await until(async () => (await t.mongo.db.collection('kyc_profiles').countDocuments({ _id: profileId as never })) === 1);
    const res = await erase(userId, { legalBasis: 'data_subject_request' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.workflowsDeleted, 1);
    await until(async () => {
      try {
        await masterOnly.workflow.getHandle(kycProfileWorkflowId(profileId)).describe();
        return false;
      } catch (err) {
        return err instanceof WorkflowNotFoundError;
      }
    }, 900); // Temporal deletes in the background: seconds, longer under load
  });

  it('refuses bad requests with the envelope and a reason', async () => {
    const body = { legalBasis: 'data_subject_request' };
    assert.equal((await api(t, 'POST', '/admin/kyc/users/u1/erasure', { body })).status, 401);
    assert.equal((await erase('u1', body, t.token('u1'))).status, 403, 'a user cannot erase, even themselves');
    assert.equal((await api(t, 'GET', '/admin/kyc/users/u1/export', { token: t.token('u1') })).status, 403);
    for (const [userId, bad] of [
      ['a:b', body],
      ['system', body],
      ['u1', { legalBasis: 'because' }],
      ['u1', { legalBasis: 'retention_policy' }],
      ['u1', { legalBasis: 'consent_withdrawn', overrideLegalHold: { reason: 'no' } }],
      ['u1', {}],
    ] as const) {
      const res = await erase(userId, bad);
      assert.equal(res.status, 400, `${userId} ${JSON.stringify(bad)}`);
      assert.equal(res.body.code, 40000);
    }
    const unknown = await erase('nobody_here', body);
    assert.deepEqual([unknown.status, unknown.body.code], [404, 40400]);
    assert.equal((await api(t, 'GET', '/admin/kyc/users/nobody_here/export', { token: admin() })).status, 404);
  });
});
