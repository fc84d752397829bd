import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts every payload Temporal stores (workflow inputs, update arguments and results, activity
 * inputs and outputs, query answers) with AES-256-GCM, so KYC data never sits in history in clear.
 * The key id travels in the payload's metadata: the newest key encrypts, every listed key decrypts,
 * which is how keys rotate. The key id is authenticated (AAD), so metadata cannot be swapped.
 */
const ENCODING = 'binary/encrypted';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export interface EncryptionKeys {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Parses `id1:base64key,id2:base64key` (first = active); each key must be 32 bytes. */
export function parseEncryptionKeys(spec: string): EncryptionKeys {
  const entries = spec.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [id, material] = entry.split(':');
    const key = Buffer.from(material ?? '', 'base64');
    if (!id || !/^[\w.-]{1,64}$/.test(id) || key.length !== 32) {
      throw new Error('each key must be "<id>:<base64 of 32 random bytes>"');
    }
    return [id, key] as const;
  });
  if (entries.length === 0) throw new Error('at least one key is required');
  return { activeKeyId: entries[0]![0], keys: new Map(entries) };
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly encryption: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.encryption.activeKeyId;
    const key = this.encryption.keys.get(keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(keyId));
      const sealed = Buffer.concat([cipher.update(PayloadMessage.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from(keyId) },
        data: Buffer.concat([iv, sealed]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCODING) return payload;
      const keyId = text(payload.metadata?.['encryption-key-id']);
      const key = this.encryption.keys.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}"`);
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES)).setAAD(Buffer.from(keyId));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return PayloadMessage.decode(plain);
    });
  }
}

const text = (bytes: Uint8Array | null | undefined): string => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/** The data converter the API's client and the worker share, built from `PAYLOAD_ENCRYPTION_KEYS`. */
export const encryptingDataConverter = (keysSpec: string) => ({
  payloadCodecs: [new AesGcmPayloadCodec(parseEncryptionKeys(keysSpec))],
});
