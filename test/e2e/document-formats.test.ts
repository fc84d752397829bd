import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { generateDocument } from '../support/synthetic-documents.js';
import { FORMATS, heifEncAvailable, inFormat } from '../helpers/image-formats.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';

/**
 * Every format a phone or scanner writes goes through the upload route end to end: sniffed,
 * stored, quality-checked and read. Files are made here (see test/helpers/image-formats.ts).
 */
describe('document upload in every image format', { timeout: 600_000 }, () => {
  let t: AppUnderTest;
  let n = 0;
  before(async () => (t = await startAppUnderTest()));
  after(async () => t?.close());

  async function uploadAs(image: Buffer, fileName: string) {
    const user = `format_user_${++n}`;
    const token = t.token(user);
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId: user, country: 'SG' } })).body.data.profileId;
    const form = new FormData();
    form.set('profileId', profileId);
    form.set('docType', 'PASSPORT');
    form.set('country', 'SG');
    form.set('frontImage', new Blob([new Uint8Array(image)], { type: 'application/octet-stream' }), fileName);
    const res = await fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  const doc = generateDocument({ kind: 'TD3', seed: 21 });

  for (const format of FORMATS) {
    it(`accepts and reads a ${format.toUpperCase()} photo`, { skip: format === 'heic' && !heifEncAvailable ? 'heif-enc not installed (apt-get install libheif-examples)' : false }, async () => {
      const { png, truth } = await doc;
      const res = await uploadAs(await inFormat(png, format), `passport.${format}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.source, 'MRZ');
      assert.equal(res.body.data.idNumber, truth.fields.idNumber);
      assert.equal(res.body.data.birthDate, truth.fields.birthDate);
      assert.equal(res.body.data.qualityScores.width, 1250, 'quality measured on the decoded image');
    });
  }

  it('honours EXIF orientation: a JPEG stored sideways with orientation 6 reads upright', async () => {
    const { png, truth } = await doc;
    const sideways = await sharp(png).rotate(-90).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
    const res = await uploadAs(sideways, 'IMG_0002.JPG');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.qualityScores.width, res.body.data.qualityScores.height], [1250, 880]);
    assert.equal(res.body.data.idNumber, truth.fields.idNumber);
  });

  it('refuses a PDF whose first page holds no scanned image', async () => {
    const textOnly = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const res = await uploadAs(textOnly, 'letter.pdf');
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.data.errorCode, 'UNREADABLE_IMAGE');
    assert.match(res.body.data.errors[0].message, /no scanned image/);
  });
});
