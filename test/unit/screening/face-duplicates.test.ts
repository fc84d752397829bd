import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { parseEncryptionKeys } from '../../../codec/payload-codec.js';
import { createFaceDuplicateActivities } from '../../../activities/face-duplicates.activities.js';
import { createFaceIndexCache } from '../../../activities/face-index.cache.js';
import { createScreeningAdminService } from '../../../api/screening-admin.service.js';
import { ERASABLE_STORES } from '../../../erasure/erasable-stores.js';
import { seededRandom } from '../../../screening/synthetic/random.js';
import { ensureFaceDescriptorIndexes, saveFaceDescriptors } from '../../../stores/face-descriptors.store.js';
import { listBlocklist } from '../../../stores/identities.store.js';

const MODEL = 'faceapi-resnet34@@vladmandic/face-api@1.7.15';
const keys = parseEncryptionKeys(`k1:${randomBytes(32).toString('base64')}`);
const random = seededRandom(17);
/** A dlib-like descriptor: 128 raw floats of about ±0.1 (two strangers: ~0.8 apart, Euclidean). */
const face = () => Float32Array.from({ length: 128 }, () => (random() * 2 - 1) * 0.09);
/** Another photo of the same person: ~0.2 away. */
const near = (v: Float32Array) => v.map((x) => x + (random() * 2 - 1) * 0.03);
const pid = (n: number) => `profile_${String(n).padStart(24, '0')}`;

describe('duplicate faces (sealed descriptors in MongoDB, in-memory index)', { skip: !process.env.MONGODB_URL && 'MONGODB_URL is unset: run through `npm test`' }, () => {
  let client: MongoClient;
  let db: Db;
  let check: ReturnType<typeof createFaceDuplicateActivities>['checkDuplicateFaces'];
  const person = face();

  async function profile(n: number, userId: string, stage: string, descriptors: { document: Float32Array; selfie: Float32Array }, model = MODEL) {
    await db.collection('kyc_profiles').insertOne({ _id: pid(n) as never, userId, stage });
    await saveFaceDescriptors(db, keys, pid(n), userId, { model, metric: 'euclidean', ...descriptors });
  }

  before(async () => {
    client = await MongoClient.connect(process.env.MONGODB_URL!);
    db = client.db(`kycflow_test_faces_${randomBytes(4).toString('hex')}`);
    await ensureFaceDescriptorIndexes(db);
    check = createFaceDuplicateActivities({ db, keys, faceIndex: createFaceIndexCache(db, keys), matchBand: 0.59, model: 'faceapi-resnet34' }).checkDuplicateFaces;
    await profile(1, 'u1', 'APPROVED', { document: person, selfie: near(person) });
    const stranger = face();
    await profile(2, 'u2', 'APPROVED', { document: stranger, selfie: near(stranger) });
  });
  after(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  it("stores descriptors sealed: the database holds neither the floats nor the bytes", async () => {
    const doc = await db.collection('face_descriptors').findOne({ _id: pid(1) as never });
    assert.deepEqual(Object.keys(doc!).sort(), ['_id', 'dims', 'keyId', 'metric', 'model', 'sealed', 'storedAt', 'userId']);
    const stored = Buffer.from(doc!.sealed.buffer);
    assert.equal(stored.length, 12 + 128 * 4 * 2 + 16, 'iv ‖ two sealed descriptors ‖ tag');
    assert.equal(stored.indexOf(Buffer.from(person.buffer, 0, 16)), -1, 'no plaintext float bytes');
  });

  it("another user's face within the match band is linked (the nearest distance); strangers and the user's own profiles are not", async () => {
    await profile(3, 'u3', 'LIVENESS', { document: near(person), selfie: near(person) });
    const found = await check({ profileId: pid(3), userId: 'u3' });
    assert.deepEqual(found.duplicates.map((d) => [d.profileId, d.userId, d.match]), [[pid(1), 'u1', 'FACE']]);
    assert.ok(found.duplicates[0]!.distance! > 0 && found.duplicates[0]!.distance! <= 0.59);
    assert.equal(found.blocked, null);
    await profile(4, 'u1', 'LIVENESS', { document: near(person), selfie: near(person) });
    assert.deepEqual((await check({ profileId: pid(4), userId: 'u1' })).duplicates.map((d) => d.profileId), [pid(3)], "u1's own approved profile is not a duplicate");
  });

  it('closed profiles and descriptors of another model are not matched', async () => {
    await db.collection('kyc_profiles').updateOne({ _id: pid(3) as never }, { $set: { stage: 'REJECTED' } });
    await profile(5, 'u5', 'APPROVED', { document: near(person), selfie: near(person) }, 'faceres@@vladmandic/human@3.3');
    await profile(6, 'u6', 'LIVENESS', { document: near(person), selfie: near(person) });
    assert.deepEqual((await check({ profileId: pid(6), userId: 'u6' })).duplicates.map((d) => d.profileId).sort(), [pid(1), pid(4)]);
    assert.deepEqual(await check({ profileId: pid(5), userId: 'u5' }), { duplicates: [], blocked: null }, 'the configured band holds for the configured model only');
  });

  it('a blocklisted face is found by the admin entry; it outlives the erasure of the profile it was taken from', async () => {
    const admin = createScreeningAdminService({ client: null as never, db, config: {} as never });
    const { blockId } = await admin.blockFaceOf(pid(1), 'admin1', 'fraud ring');
    assert.equal(blockId, `face:${pid(1)}`);
    await assert.rejects(admin.blockFaceOf(pid(1), 'admin1', 'again'), /already blocklisted/);
    await assert.rejects(admin.blockFaceOf(pid(99), 'admin1', 'x'), /profile/);
    assert.doesNotMatch(JSON.stringify(await listBlocklist(db)), /sealed/, 'the list shows no descriptors');

    // The erasure registry's entry, as a user's erasure runs it (the whole run is covered in test/e2e/data-erasure.test.ts).
    const store = ERASABLE_STORES.find((s) => s.name === 'face_descriptors')!;
    assert.deepEqual(store.erase?.scopes, ['user', 'profile']);
    assert.equal(await store.erase.run(db, { scope: 'user', userId: 'u1', profileIds: [pid(1), pid(4)], fileIds: [], workflowIds: [] }, { erasureId: 'e1', at: new Date() }), 2);
    assert.equal(await db.collection('face_descriptors').countDocuments({ userId: 'u1' }), 0);

    await profile(7, 'u7', 'LIVENESS', { document: near(person), selfie: near(person) });
    const found = await check({ profileId: pid(7), userId: 'u7' });
    assert.deepEqual(found.duplicates.map((d) => d.profileId), [pid(6)], 'erased descriptors are no longer matched (the index drops them)');
    assert.deepEqual([found.blocked?.reason, found.blocked?.addedBy], ['fraud ring', 'admin1']);
    assert.equal((await check({ profileId: pid(2), userId: 'u2' })).blocked, null, 'a stranger is not blocked');
  });
});
