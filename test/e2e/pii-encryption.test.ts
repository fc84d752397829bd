import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { kycProfileWorkflowId } from '../../domain/ids.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

const PII = ['ALEX TAN', 'E12345678', '1990-01-01'];

describe('PII in workflow history is encrypted', { timeout: 60_000 }, () => {
  let t: AppUnderTest;
  let profileId: string;
  before(async () => {
    t = await startAppUnderTest();
    const token = t.token('pii_user');
    profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'pii_user', country: 'SG' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', {
      token,
      body: { profileId, docType: 'PASSPORT', docNumber: 'E12345678', frontImageUrl: 'https://cdn.example/front.jpg', expiryDate: '2035-12-31' },
    });
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: { name: 'Alex Tan', birthDate: '1990-01-01' } });
  });
  after(async () => t?.close());

  /** The history as the Temporal server stores it, read by a client without the codec. */
  async function rawHistory() {
    const plainClient = new Client({ connection: t.client.connection, namespace: t.config.TEMPORAL_NAMESPACE });
    return plainClient.workflow.getHandle(kycProfileWorkflowId(profileId)).fetchHistory();
  }

  it('the server holds no name, document number or birth date in clear', async () => {
    const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(await rawHistory()).finish());
    assert.ok(bytes.length > 0);
    for (const value of PII) assert.ok(!bytes.includes(value) && !bytes.includes(value.toUpperCase()), `${value} appears in clear`);
  });

  it("every payload is sealed with the profile's own data key, none with the master key", async () => {
    const history = await rawHistory();
    const sealed = (history.events ?? []).flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
    const keyIds = new Set(sealed.map((p) => Buffer.from(p.metadata?.['encryption-data-key-id'] ?? []).toString()));
    assert.equal(keyIds.size, 1);
    const key = await t.mongo.db.collection('payload_data_keys').findOne({ _id: [...keyIds][0] as never });
    assert.equal(key?.workflowId, kycProfileWorkflowId(profileId));
  });

  it('the codec endpoint decrypts them for an admin, and only for an admin', async () => {
    const events = (await rawHistory()).events ?? [];
    const payloads = events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
    assert.ok(payloads.length > 0, 'the confirm update carries payloads');
    const wire = { payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    })) };
    const asUser = await api(t, 'POST', '/codec/decode', { token: t.token('pii_user'), body: wire });
    assert.equal(asUser.status, 403);
    const anonymous = await api(t, 'POST', '/codec/decode', { body: wire });
    assert.equal(anonymous.status, 401);
    const decoded = await api(t, 'POST', '/codec/decode', { token: t.token('ops', 'admin'), body: wire });
    assert.equal(decoded.status, 200);
    const clear = decoded.body.payloads.map((p: { data: string }) => Buffer.from(p.data, 'base64').toString()).join('\n');
    assert.match(clear, /Alex Tan/);
  });
});
