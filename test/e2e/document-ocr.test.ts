import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateDocument } from '../support/synthetic-documents.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

/** The document step end to end: a rendered passport through storage, quality checks and real OCR. */
describe('document upload with real OCR: upload → confirm → submit', { timeout: 180_000 }, () => {
  let t: AppUnderTest;
  before(async () => (t = await startAppUnderTest()));
  after(async () => t?.close());

  async function upload(token: string, profileId: string, image: Buffer, docType: string) {
    const form = new FormData();
    form.set('profileId', profileId);
    form.set('docType', docType);
    form.set('country', 'SG');
    form.set('frontImage', new Blob([new Uint8Array(image)]), 'passport.png');
    const res = await fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('reads a clean passport exactly and approves the unmodified document automatically (status 1)', async () => {
    const token = t.token('ocr_user');
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'ocr_user', country: 'SG' } })).body.data.profileId;
    const doc = await generateDocument({ kind: 'TD3', seed: 7 });
    const uploaded = await upload(token, profileId, doc.png, 'PASSPORT');
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    assert.equal(uploaded.body.message, 'Document uploaded successfully');
    const data = uploaded.body.data;
    assert.equal(data.source, 'MRZ');
    assert.equal(data.mrzValid, true);
    assert.equal(data.idNumber, doc.truth.fields.idNumber);
    assert.equal(data.birthDate, doc.truth.fields.birthDate);
    assert.equal(data.expiryDate, doc.truth.fields.expiryDate);
    assert.equal(data.name, doc.truth.fields.name);
    assert.ok(data.confidence.idNumber > 0.5);
    assert.ok(data.qualityScores.sharpness > 0);

    const confirmed = await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${data.documentId}`, { token, body: { name: data.name } });
    assert.equal(confirmed.body.data.userModified, false);
    const submitted = await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${data.documentId}`, { token });
    assert.deepEqual([submitted.status, submitted.body.data.status], [200, 1]);
    assert.equal(submitted.body.message, 'Document approved automatically');
  });

  it('refuses a blurred photo with IMAGE_QUALITY and says what to fix', async () => {
    const token = t.token('ocr_user_2');
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'ocr_user_2', country: 'SG' } })).body.data.profileId;
    const sharp = (await import('sharp')).default;
    const blurred = await sharp((await generateDocument({ kind: 'TD3', seed: 8 })).png).blur(6).png().toBuffer();
    const res = await upload(token, profileId, blurred, 'PASSPORT');
    assert.equal(res.status, 422);
    assert.equal(res.body.data.errorCode, 'IMAGE_QUALITY');
    assert.match(res.body.data.errors.map((e: any) => e.message).join(' '), /blurry/);
    assert.ok(res.body.data.qualityScores.sharpness < 60);
  });
});

/**
 * MRZ ↔ visual zone: a passport whose MRZ says CHRISTOPHF where the page prints CHRISTOPHE (the
 * name line has no check digit) must not be approved automatically under the MRZ's name.
 */
describe('document upload with real OCR: a name the visual zone contradicts', { timeout: 180_000 }, () => {
  let t: AppUnderTest;
  before(async () => (t = await startAppUnderTest()));
  after(async () => t?.close());

  it('upload answers the per-field result, confirm keeps it, submit sends the case to review naming the field', async () => {
    const token = t.token('viz_user');
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: 'viz_user', country: 'SG' } })).body.data.profileId;
    const doc = await generateDocument({ kind: 'TD3', seed: 11, person: { given: 'CHRISTOPHF' }, printed: { given: 'CHRISTOPHE' } });
    const form = new FormData();
    form.set('profileId', profileId);
    form.set('docType', 'PASSPORT');
    form.set('country', 'FR');
    form.set('frontImage', new Blob([new Uint8Array(doc.png)]), 'passport.png');
    const res = await fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const uploaded = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(uploaded));
    const data = uploaded.data;
    assert.equal(data.name, `${doc.truth.fields.surname} CHRISTOPHF`, 'the MRZ is read as printed');
    assert.equal(data.crossCheck.surname, 'match');
    assert.equal(data.crossCheck.givenNames, 'mismatch');
    assert.equal(data.mrzValid, false, 'not verified: the visual zone contradicts the MRZ');

    const confirmed = await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${data.documentId}`, { token, body: {} });
    assert.equal(confirmed.body.data.userModified, false);
    const submitted = await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${data.documentId}`, { token });
    assert.deepEqual([submitted.status, submitted.body.data.status], [200, 2], 'manual review, not automatic approval');
    const status = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token });
    assert.equal(status.body.data.status.document.crossCheck.givenNames, 'mismatch');
    assert.deepEqual(status.body.data.status.document.reviewReasons, ['document givenNames: the printed visual zone differs from the MRZ']);
  });
});
