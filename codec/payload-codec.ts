import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Db } from 'mongodb';
import { fileURLToPath } from 'node:url';
import { open, seal, UnreadablePayloadError } from './aes-gcm.js';
import { DataKeyRing } from './data-keys.js';
import { parseEncryptionKeys, type EncryptionKeys } from './master-keys.js';

export { parseEncryptionKeys, type EncryptionKeys } from './master-keys.js';
export { PayloadErasedError } from './data-keys.js';
export { UnreadablePayloadError } from './aes-gcm.js';

/**
 * Encrypts every payload Temporal stores (workflow inputs, update arguments and results, activity
 * inputs and outputs, query answers) with AES-256-GCM, so KYC data never sits in history in clear.
 *
 * - Payloads of a subject's workflow (a profile, card application or fee payment: the SDK passes
 *   the workflow id in the serialization context) are sealed with that workflow's data key
 *   (`data-keys.ts`); the key id travels in `encryption-data-key-id`. Erasing the subject destroys
 *   the key, and with it every such payload (crypto-shredding).
 * - Anything else (other workflows, calls without a context such as the codec endpoint's encode),
 *   and every history from before data keys, uses a master key directly (`encryption-key-id`).
 * Decoding needs only the metadata, so the remote codec endpoint works without a workflow id. The
 * key id is authenticated (AAD), so metadata cannot be swapped.
 */
const ENCODING = 'binary/encrypted';
const MASTER_KEY_ID = 'encryption-key-id';
const DATA_KEY_ID = 'encryption-data-key-id';
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** Workflows whose payloads belong to one data subject (their ids are `<type>:<id>`). */
const SUBJECT_WORKFLOW = /^(kyc-profile|card-application|fee-payment):/;

export const subjectWorkflowOf = (context: SerializationContext | undefined): string | null =>
  context?.workflowId && SUBJECT_WORKFLOW.test(context.workflowId) ? context.workflowId : null;

export class AesGcmPayloadCodec implements PayloadCodec {
  /** Without `dataKeys`, every payload is sealed with the active master key (the pre-data-key format). */
  constructor(private readonly encryption: EncryptionKeys, private readonly dataKeys?: DataKeyRing) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const workflowId = this.dataKeys && subjectWorkflowOf(context);
    if (workflowId) {
      const { keyId, key } = await this.dataKeys!.keyFor(workflowId);
      return payloads.map((payload) => sealed(seal(key, PayloadMessage.encode(payload).finish(), dataKeyAad(keyId)), DATA_KEY_ID, keyId));
    }
    const keyId = this.encryption.activeKeyId;
    const key = this.encryption.keys.get(keyId)!;
    return payloads.map((payload) => sealed(seal(key, PayloadMessage.encode(payload).finish(), keyId), MASTER_KEY_ID, keyId));
  }

  /** Throws PayloadErasedError for a payload whose data key was destroyed. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map(async (payload) => {
      if (text(payload.metadata?.encoding) !== ENCODING) return payload;
      const dataKeyId = text(payload.metadata?.[DATA_KEY_ID]);
      if (dataKeyId) {
        if (!this.dataKeys) throw new UnreadablePayloadError('the payload was sealed with a data key, and this codec has no key store');
        const { key } = await this.dataKeys.keyById(dataKeyId);
        return PayloadMessage.decode(open(key, payload.data ?? new Uint8Array(), dataKeyAad(dataKeyId)));
      }
      const keyId = text(payload.metadata?.[MASTER_KEY_ID]);
      const key = this.encryption.keys.get(keyId);
      if (!key) throw new UnreadablePayloadError('the payload names an encryption key that is not configured', { keyId });
      return PayloadMessage.decode(open(key, payload.data ?? new Uint8Array(), keyId));
    }));
  }
}

/** A data-key AAD can never equal a master-key AAD (master key ids cannot contain ':'). */
const dataKeyAad = (keyId: string) => `data-key:${keyId}`;

const sealed = (data: Buffer, keyField: string, keyId: string): Payload => ({
  metadata: { encoding: Buffer.from(ENCODING), [keyField]: Buffer.from(keyId) },
  data,
});

const text = (bytes: Uint8Array | null | undefined): string => (bytes ? Buffer.from(bytes).toString('utf8') : '');

const rings = new WeakMap<Db, DataKeyRing>();

/** One key ring per database and process, so an erasure in this process is seen by all its codecs at once. */
export function dataKeyRingFor(db: Db, master: EncryptionKeys): DataKeyRing {
  let ring = rings.get(db);
  if (!ring) rings.set(db, (ring = new DataKeyRing(db, master)));
  return ring;
}

/** The codec the API's client, its codec endpoint and the worker share. */
export const payloadCodecFor = (keysSpec: string, db?: Db): AesGcmPayloadCodec => {
  const master = parseEncryptionKeys(keysSpec);
  return new AesGcmPayloadCodec(master, db ? dataKeyRingFor(db, master) : undefined);
};

/** Where the SDK loads the failure converter from (worker, client and workflow bundle alike). */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/**
 * The data converter the API's client and the worker share, built from `PAYLOAD_ENCRYPTION_KEYS`:
 * payloads and failure messages (encoded by the failure converter) are encrypted.
 */
export const encryptingDataConverter = (keysSpec: string, db?: Db) => ({
  payloadCodecs: [payloadCodecFor(keysSpec, db)],
  failureConverterPath: FAILURE_CONVERTER_PATH,
});
