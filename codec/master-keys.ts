/** The master keys of `PAYLOAD_ENCRYPTION_KEYS`: the first (active) one encrypts, every listed one decrypts. */
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
