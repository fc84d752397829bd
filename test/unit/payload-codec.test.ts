import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../../codec/payload-codec.js';

const key = () => randomBytes(32).toString('base64');
const payload = (text: string) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(text)) });

describe('AES-256-GCM payload codec', () => {
  const k1 = `k1:${key()}`;
  const k2 = `k2:${key()}`;

  it('round-trips payloads and hides their content', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(k1));
    const [encoded] = await codec.encode([payload('ERIKSSON ANNA MARIA')]);
    assert.equal(Buffer.from(encoded!.metadata!.encoding!).toString(), 'binary/encrypted');
    assert.equal(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString(), 'k1');
    assert.ok(!Buffer.from(encoded!.data!).includes('ERIKSSON'));
    const [decoded] = await codec.decode([encoded!]);
    assert.equal(Buffer.from(decoded!.data!).toString(), '"ERIKSSON ANNA MARIA"');
    assert.equal(Buffer.from(decoded!.metadata!.encoding!).toString(), 'json/plain');
  });

  it('rotates: the new key encrypts, the old key still decrypts', async () => {
    const [old] = await new AesGcmPayloadCodec(parseEncryptionKeys(k1)).encode([payload('old')]);
    const rotated = new AesGcmPayloadCodec(parseEncryptionKeys(`${k2},${k1}`));
    const [fresh] = await rotated.encode([payload('new')]);
    assert.equal(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString(), 'k2');
    assert.equal(Buffer.from((await rotated.decode([old!]))[0]!.data!).toString(), '"old"');
    await assert.rejects(new AesGcmPayloadCodec(parseEncryptionKeys(k1)).decode([fresh!]), (err: Error & { keyId?: string }) => err.name === 'UnreadablePayloadError' && /not configured/.test(err.message) && err.keyId === 'k2');
  });

  it('detects tampering with data or key id', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`${k1},${k2}`));
    const [encoded] = await codec.encode([payload('x')]);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20]! ^= 1;
    await assert.rejects(codec.decode([{ ...encoded!, data: flipped }]));
    await assert.rejects(codec.decode([{ ...encoded!, metadata: { ...encoded!.metadata, 'encryption-key-id': Buffer.from('k2') } }]));
  });

  it('passes through payloads it did not encrypt', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(k1));
    const plain = payload('plain');
    assert.deepEqual(await codec.decode([plain]), [plain]);
  });

  it('refuses malformed key specs', () => {
    assert.throws(() => parseEncryptionKeys(''), /at least one key/);
    assert.throws(() => parseEncryptionKeys('k1:c2hvcnQ='), /32 random bytes/);
  });
});
