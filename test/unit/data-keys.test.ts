import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Payload, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Binary } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { seal } from '../../codec/aes-gcm.js';
import { DataKeyRing, PayloadErasedError } from '../../codec/data-keys.js';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../../codec/payload-codec.js';
import { useTestDatabase } from '../helpers/test-database.js';

const key = () => randomBytes(32).toString('base64');
const k1 = `k1:${key()}`;
const k2 = `k2:${key()}`;
const payload = (text: string): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(text)) });
const workflow = (workflowId: string): SerializationContext => ({ type: 'workflow', namespace: 'default', workflowId });
const activity = (workflowId: string): SerializationContext => ({ type: 'activity', namespace: 'default', workflowId, activityId: '1', isLocal: false });
const meta = (p: Payload | undefined, field: string) => Buffer.from(p!.metadata![field] ?? []).toString();
const content = (p: Payload | undefined) => Buffer.from(p!.data!).toString();
const profile = () => `kyc-profile:profile_${randomBytes(12).toString('hex')}`;

describe('per-subject data keys (crypto-shredding)', { timeout: 30_000 }, () => {
  const mongo = useTestDatabase('keys');
  /** A codec as one process builds it: its own key ring (and cache) over the shared database. */
  const codec = (spec = k1) => new AesGcmPayloadCodec(parseEncryptionKeys(spec), new DataKeyRing(mongo.db, parseEncryptionKeys(spec)));
  const keys = () => mongo.db.collection('payload_data_keys');

  it("seals a subject workflow's payloads with its own data key, readable from another process without the workflow id", async () => {
    const id = profile();
    const [sealed] = await codec().encode([payload('ERIKSSON ANNA MARIA')], workflow(id));
    const keyId = meta(sealed, 'encryption-data-key-id');
    assert.equal(keyId, id, 'the key is found by _id, the one lookup every backend indexes');
    assert.equal(meta(sealed, 'encryption-key-id'), '', 'no master key id: the master key does not open it');
    assert.ok(!Buffer.from(sealed!.data!).includes('ERIKSSON'));
    const stored = await keys().findOne({ _id: keyId as never });
    assert.equal(stored?.workflowId, id);
    assert.equal(stored?.masterKeyId, 'k1');
    const [plain] = await codec().decode([sealed!]);
    assert.equal(content(plain), '"ERIKSSON ANNA MARIA"');
  });

  it('gives one key per workflow, shared by its activities and by concurrent processes', async () => {
    const id = profile();
    const [a, b] = [codec(), codec()];
    const sealed = await Promise.all([a.encode([payload('x')], workflow(id)), b.encode([payload('y')], activity(id)), a.encode([payload('z')], workflow(id))]);
    const ids = new Set(sealed.map(([p]) => meta(p, 'encryption-data-key-id')));
    assert.equal(ids.size, 1);
    assert.equal(await keys().countDocuments({ workflowId: id }), 1);
    const [other] = await a.encode([payload('x')], workflow(profile()));
    assert.ok(!ids.has(meta(other, 'encryption-data-key-id')));
  });

  it('uses the master key for other workflows and calls without a context (and reads the old format)', async () => {
    for (const context of [undefined, workflow('retention-sweep'), workflow('kyc-profile-like:1')]) {
      const [sealed] = await codec().encode([payload('ops')], context);
      assert.equal(meta(sealed, 'encryption-key-id'), 'k1');
      assert.equal(content((await codec().decode([sealed!]))[0]), '"ops"');
    }
    const [legacy] = await new AesGcmPayloadCodec(parseEncryptionKeys(k1)).encode([payload('from before data keys')], workflow(profile()));
    assert.equal(meta(legacy, 'encryption-key-id'), 'k1');
    assert.equal(content((await codec().decode([legacy!]))[0]), '"from before data keys"');
  });

  it('erasure destroys the key: every process refuses to decode or encode, and erasing again is a no-op', async () => {
    const id = profile();
    const [writer, bystander] = [codec(), codec()];
    const [sealed] = await writer.encode([payload('ALEX TAN')], workflow(id));
    const ring = new DataKeyRing(mongo.db, parseEncryptionKeys(k1));
    assert.equal(await ring.destroy([id], 'erasure_1'), 1);
    await assert.rejects(ring.keyById(meta(sealed, 'encryption-data-key-id')), PayloadErasedError);
    await assert.rejects(bystander.decode([sealed!]), (err: unknown) => err instanceof PayloadErasedError && /erased/.test(err.message));
    await assert.rejects(bystander.encode([payload('new data')], workflow(id)), PayloadErasedError);
    const doc = await keys().findOne({ workflowId: id });
    assert.equal(doc?.wrapped, null, 'no key material left');
    assert.equal(doc?.erasureId, 'erasure_1');
    assert.equal(await ring.destroy([id], 'erasure_2'), 0);
    assert.equal((await keys().findOne({ workflowId: id }))?.erasureId, 'erasure_1', 'the first erasure stays recorded');
  });

  it('a workflow erased before it had a key never gets one', async () => {
    const id = profile();
    const ring = new DataKeyRing(mongo.db, parseEncryptionKeys(k1));
    assert.equal(await ring.destroy([id], 'erasure_3'), 0);
    await assert.rejects(codec().encode([payload('late')], workflow(id)), PayloadErasedError);
  });

  it('the erasing process forgets a key it had cached at once', async () => {
    const id = profile();
    const ring = new DataKeyRing(mongo.db, parseEncryptionKeys(k1));
    const own = new AesGcmPayloadCodec(parseEncryptionKeys(k1), ring);
    const [sealed] = await own.encode([payload('cached')], workflow(id));
    await own.decode([sealed!]);
    await ring.destroy([id], 'erasure_4');
    await assert.rejects(own.decode([sealed!]), PayloadErasedError);
  });

  it('rotates master keys: old data keys stay readable, new ones are wrapped by the new key, rewrap retires the old one', async () => {
    const before = profile();
    const [old] = await codec(k1).encode([payload('sealed before rotation')], workflow(before));
    const rotated = codec(`${k2},${k1}`);
    assert.equal(content((await rotated.decode([old!]))[0]), '"sealed before rotation"');
    const after = profile();
    const [fresh] = await rotated.encode([payload('after')], workflow(after));
    assert.equal((await keys().findOne({ workflowId: after }))?.masterKeyId, 'k2');
    await assert.rejects(codec(k2).decode([old!]), /master key "k1", which is not configured/);

    const result = await new DataKeyRing(mongo.db, parseEncryptionKeys(`${k2},${k1}`)).rewrap();
    assert.ok(result.rewrapped >= 1);
    assert.equal(await keys().countDocuments({ destroyedAt: null, masterKeyId: 'k1' }), 0);
    const onlyK2 = codec(k2);
    assert.equal(content((await onlyK2.decode([old!]))[0]), '"sealed before rotation"');
    assert.equal(content((await onlyK2.decode([fresh!]))[0]), '"after"');
  });

  it("reads and erases keys of the first version (random `dk_` ids, found by workflow id)", async () => {
    const id = profile();
    const keyId = `dk_${randomBytes(16).toString('hex')}`;
    const dataKey = randomBytes(32);
    const master = parseEncryptionKeys(k1);
    await keys().insertOne({ _id: keyId as never, workflowId: id, masterKeyId: 'k1', wrapped: new Binary(seal(master.keys.get('k1')!, dataKey, `${keyId}|${id}`)), createdAt: new Date(), destroyedAt: null });
    const old = { metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-data-key-id': Buffer.from(keyId) }, data: seal(dataKey, proto.temporal.api.common.v1.Payload.encode(payload('old format')).finish(), `data-key:${keyId}`) };
    assert.equal(content((await codec().decode([old]))[0]), '"old format"');
    const [fresh] = await codec().encode([payload('same workflow, later')], workflow(id));
    assert.equal(meta(fresh, 'encryption-data-key-id'), keyId, 'the workflow keeps its key');
    const ring = new DataKeyRing(mongo.db, master);
    assert.equal(await ring.countLive([id]), 1);
    assert.equal(await ring.destroy([id], 'erasure_5'), 1);
    await assert.rejects(codec().decode([old]), PayloadErasedError);
    await assert.rejects(codec().encode([payload('x')], workflow(id)), PayloadErasedError);
  });

  it('detects tampering: a swapped key id, a flipped bit, or a wrapped key moved to another workflow', async () => {
    const [a, b] = [profile(), profile()];
    const c = codec();
    const [pa] = await c.encode([payload('a')], workflow(a));
    const [pb] = await c.encode([payload('b')], workflow(b));
    await assert.rejects(codec().decode([{ ...pa!, metadata: { ...pa!.metadata, 'encryption-data-key-id': pb!.metadata!['encryption-data-key-id']! } }]));
    const flipped = Buffer.from(pa!.data!);
    flipped[flipped.length - 1]! ^= 1;
    await assert.rejects(codec().decode([{ ...pa!, data: flipped }]));
    const docA = await keys().findOne({ workflowId: a });
    await keys().updateOne({ workflowId: b }, { $set: { wrapped: docA!.wrapped } });
    await assert.rejects(codec().decode([pb!]), (err: Error) => err.name === 'UnreadablePayloadError' && /changed, or sealed with another key/.test(err.message));
  });
});
