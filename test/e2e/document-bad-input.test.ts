import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kycProfileWorkflowId } from '../../domain/ids.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { photoLikeJpeg, pngBomb } from '../helpers/images.js';
import { bmpBomb, heicBomb, heifEncAvailable, tiffBomb } from '../helpers/image-formats.js';

/**
 * Every bad upload answers 4xx with a clear message and leaves nothing behind: no stored file,
 * no document on the profile, the profile still waiting for its document.
 */
describe('document upload: bad input', { timeout: 120_000 }, () => {
  let t: AppUnderTest;
  let token: string;
  let profileId: string;
  const MAX_BYTES = 300_000;

  before(async () => {
    t = await startAppUnderTest({ UPLOAD_MAX_IMAGE_BYTES: String(MAX_BYTES) });
    token = t.token('doc_user');
    const created = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'doc_user', country: 'SG' } });
    profileId = created.body.data.profileId;
  });
  after(async () => t?.close());

  let jpeg: Buffer;
  beforeEach(async () => (jpeg ??= await photoLikeJpeg()));

  async function upload(files: Record<string, { bytes: Buffer; name: string }>, fields: Record<string, string> = {}, as = token) {
    const form = new FormData();
    for (const [key, value] of Object.entries({ profileId, docType: 'PASSPORT', country: 'SG', ...fields })) form.set(key, value);
    for (const [key, file] of Object.entries(files)) form.set(key, new Blob([new Uint8Array(file.bytes)]), file.name);
    const res = await fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${as}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function assertNothingStored() {
    assert.equal(await t.mongo.db.collection('uploads.files').countDocuments(), 0, 'no stored files');
    assert.equal(await t.mongo.db.collection('uploads.chunks').countDocuments(), 0, 'no stored chunks');
    const status = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token });
    assert.equal(status.body.data.status.stage, 'DOCUMENT');
    assert.equal(status.body.data.status.document, null);
  }

  const cases: Array<[string, () => Promise<{ files: Record<string, { bytes: Buffer; name: string }>; fields?: Record<string, string> }>, number, RegExp]> = [
    ['an .exe renamed to .jpg', async () => ({ files: { frontImage: { bytes: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(2000, 1)]), name: 'passport.jpg' } } }), 415, /frontImage: unsupported file type/],
    ['a text file', async () => ({ files: { frontImage: { bytes: Buffer.from('this is not an image, just some text '.repeat(20)), name: 'passport.png' } } }), 415, /unsupported file type/],
    ['an empty file', async () => ({ files: { frontImage: { bytes: Buffer.alloc(0), name: 'empty.jpg' } } }), 400, /frontImage: the file is empty/],
    ['no frontImage', async () => ({ files: { backImage: { bytes: jpeg, name: 'back.jpg' } } }), 400, /frontImage: a photo of the document is required/],
    ['an unknown docType', async () => ({ files: { frontImage: { bytes: jpeg, name: 'a.jpg' } }, fields: { docType: 'LIBRARY_CARD' } }), 400, /docType/],
    ['a malformed profileId', async () => ({ files: { frontImage: { bytes: jpeg, name: 'a.jpg' } }, fields: { profileId: 'nope' } }), 400, /profileId/],
    ['an unexpected file field', async () => ({ files: { selfie: { bytes: jpeg, name: 'a.jpg' } } }), 400, /selfie: unexpected file field/],
    ['a file over the size limit', async () => ({ files: { frontImage: { bytes: Buffer.concat([jpeg, Buffer.alloc(MAX_BYTES)]), name: 'big.jpg' } } }), 413, /too large/],
    ['a truncated JPEG', async () => ({ files: { frontImage: { bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)), name: 'cut.jpg' } } }), 422, /Document verification failed/],
    // Decompression bombs are refused from the header by the upload route, before any decoding.
    ['a 30000×30000 PNG (decompression bomb)', async () => ({ files: { frontImage: { bytes: pngBomb(), name: 'bomb.png' } } }), 413, /frontImage: the image is 30000×30000 pixels; at most 50 megapixels/],
    ['a 30000×30000 BMP (decompression bomb)', async () => ({ files: { frontImage: { bytes: bmpBomb(), name: 'scan.bmp' } } }), 413, /at most 50 megapixels/],
    ['a 30000×30000 TIFF (decompression bomb)', async () => ({ files: { frontImage: { bytes: tiffBomb(), name: 'scan.tif' } } }), 413, /at most 50 megapixels/],
  ];
  if (heifEncAvailable) cases.push(['a HEIC declaring 30000×30000 (decompression bomb)', async () => ({ files: { frontImage: { bytes: await heicBomb(), name: 'IMG_0001.HEIC' } } }), 413, /at most 50 megapixels/]);

  for (const [name, make, status, message] of cases) {
    it(`refuses ${name} with ${status}`, async () => {
      const { files, fields } = await make();
      const res = await upload(files, fields);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.message, message);
      assert.notEqual(res.body.code, 0);
      await assertNothingStored();
    });
  }

  it('says why an unreadable image failed, in its own words, not the decoder\'s', async () => {
    // A JPEG cut in half, and an iPhone HEIC header followed by junk (libheif answers with ~30 lines).
    const heicJunk = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(12), Buffer.alloc(2000, 0x5a)]);
    for (const [bytes, name] of [[jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'cut.jpg'], [heicJunk, 'IMG_0002.HEIC']] as const) {
      const res = await upload({ frontImage: { bytes, name } });
      assert.equal(res.body.data?.errorCode, 'UNREADABLE_IMAGE', `${name}: ${JSON.stringify(res.body)}`);
      const { message } = res.body.data.errors[0];
      assert.match(message, /could not be decoded/);
      assert.doesNotMatch(message, /vips|heif|premature|seek|\n/i, `${name}: ${message}`);
      await assertNothingStored();
    }
  });

  it("answers 404 for someone else's profile and stores nothing", async () => {
    const res = await upload({ frontImage: { bytes: jpeg, name: 'a.jpg' } }, {}, t.token('someone_else'));
    assert.equal(res.status, 404);
    await assertNothingStored();
  });

  it('refuses a request that is not multipart', async () => {
    const res = await api(t, 'POST', '/api/web/kycService/document/upload', { token, body: { profileId } });
    assert.equal(res.status, 415);
  });
});

describe('document steps out of order', { timeout: 120_000 }, () => {
  let t: AppUnderTest;
  let token: string;
  let profileId: string;
  before(async () => {
    t = await startAppUnderTest();
    token = t.token('order_user');
    profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'order_user', country: 'SG' } })).body.data.profileId;
  });
  after(async () => t?.close());

  /** Updates the workflow accepted so far (background work such as webhooks adds other events). */
  const acceptedUpdates = async () =>
    ((await t.client.workflow.getHandle(kycProfileWorkflowId(profileId)).fetchHistory()).events ?? [])
      .filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;

  it('confirm or submit of an unknown document answers 404', async () => {
    const confirm = await api(t, 'POST', '/api/web/kycService/document/confirm?documentId=123456789', { token, body: {} });
    assert.equal(confirm.status, 404);
    const submit = await api(t, 'POST', '/api/web/kycService/document/submit?documentId=abc', { token });
    assert.equal(submit.status, 400);
    assert.match(submit.body.message, /documentId/);
  });

  it('metadata: validates formats (no data: URIs, no expired documents)', async () => {
    const dataUri = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'data:image/png;base64,AAAA' } });
    assert.equal(dataUri.status, 400);
    assert.match(dataUri.body.message, /frontImageUrl/);
    const expired = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'https://cdn.example/f.jpg', expiryDate: '2001-01-01' } });
    assert.equal(expired.status, 400);
    assert.match(expired.body.message, /expiryDate: the document has expired/);
  });

  it('a step out of order is refused with 409 and leaves no history event; in order it succeeds', async () => {
    const stored = await api(t, 'POST', '/api/web/kycService/document', {
      token,
      body: { profileId, docType: 'PASSPORT', docNumber: 'E12345678', frontImageUrl: 'https://cdn.example/front.jpg', expiryDate: '2035-12-31', issueCountry: 'SG' },
    });
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    const { documentId } = stored.body.data;
    assert.equal(typeof documentId, 'number');

    const before = await acceptedUpdates();
    const early = await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${documentId}`, { token });
    assert.equal(early.status, 409);
    assert.match(early.body.message, /cannot be submitted now \(profile stage: CONFIRMATION\)/);
    assert.equal(await acceptedUpdates(), before, 'a refused step adds no event');

    const confirmed = await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${documentId}`, { token, body: { name: 'Alex Tan', birthDate: '1990-01-01' } });
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.data.userModified, true, 'filling fields the machine did not read is a modification');

    const again = await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${documentId}`, { token, body: {} });
    assert.equal(again.status, 409);

    const submitted = await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${documentId}`, { token });
    assert.equal(submitted.status, 200);
    assert.equal(submitted.body.data.status, 3);
    const twice = await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${documentId}`, { token });
    assert.equal(twice.status, 409);

    const status = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token });
    assert.equal(status.body.data.status.stage, 'LIVENESS');
    assert.equal(status.body.data.status.document.reviewStatus, 3);
    assert.equal(status.body.data.status.document.confirmed.name, 'Alex Tan');
  });

  it("someone else's document answers 404", async () => {
    const res = await api(t, 'POST', '/api/web/kycService/document/confirm?documentId=123456789012', { token: t.token('intruder'), body: {} });
    assert.equal(res.status, 404);
  });
});
