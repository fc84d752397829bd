import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a random 96-bit IV: sealed = iv ‖ ciphertext ‖ tag; `aad` is authenticated, not encrypted. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plain: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/**
 * A sealed payload that cannot be opened: cut short, changed, or sealed with a key this service does
 * not hold. The message never repeats the payload's own values (key ids come from the caller).
 */
export class UnreadablePayloadError extends Error {
  override name = 'UnreadablePayloadError';
  /** For the operator's logs: the key the payload names, cut to a sane length. */
  readonly keyId?: string;
  constructor(message: string, options?: { cause?: unknown; keyId?: string }) {
    super(message, options);
    if (options?.keyId !== undefined) this.keyId = options.keyId.slice(0, 64);
  }
}

/** Throws UnreadablePayloadError when the data, the tag or the AAD were changed. */
export function open(key: Buffer, sealed: Uint8Array, aad: string): Buffer {
  const data = Buffer.from(sealed);
  if (data.length < IV_BYTES + TAG_BYTES) throw new UnreadablePayloadError('the sealed data is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES)).setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch (err) {
    throw new UnreadablePayloadError('the sealed data was changed, or sealed with another key', { cause: err });
  }
}
