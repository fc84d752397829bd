import { Binary, type Collection, type Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { isDuplicateKey } from '../stores/mongo-errors.js';
import { open, seal, UnreadablePayloadError } from './aes-gcm.js';
import type { EncryptionKeys } from './master-keys.js';

/**
 * Per-subject data keys (crypto-shredding). Each business-object workflow (a profile, a card
 * application, a fee payment) gets its own random 256-bit data key the first time one of its
 * payloads is encrypted. The key is stored in MongoDB only wrapped (AES-256-GCM) by a master key of
 * `PAYLOAD_ENCRYPTION_KEYS`. Destroying it (erasure) leaves a tombstone: every payload it sealed is
 * unreadable from then on, by anyone, and no new key is ever made for that workflow.
 */
export interface DataKeyDoc {
  /**
   * The key id carried in each payload's metadata: the workflow id, so every lookup is by `_id`
   * (the only lookup FerretDB answers from an index). Keys made by the first version of this
   * module have `dk_` + 32 hex characters and are found by `workflowId` instead.
   */
  _id: string;
  workflowId: string;
  masterKeyId: string;
  /** The data key sealed by the master key; the AAD binds it to this key id and workflow. */
  wrapped: Binary | null;
  createdAt: Date;
  rewrappedAt?: Date;
  destroyedAt: Date | null;
  /** The erasure that destroyed it. */
  erasureId?: string;
}

/** The payload's data key was destroyed by an erasure: its content can no longer be read. */
export class PayloadErasedError extends Error {
  override name = 'PayloadErasedError';
  constructor(readonly keyId: string, readonly erasedAt: Date) {
    super(`payload erased: its data key ${keyId} was destroyed on ${erasedAt.toISOString()}`);
  }
}

interface DataKey {
  keyId: string;
  key: Buffer;
}

/** Unwrapped keys stay in memory this long, so an erasure reaches other processes within a minute. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

const collection = (db: Db): Collection<DataKeyDoc> => db.collection('payload_data_keys');

export async function ensureDataKeyIndexes(db: Db): Promise<void> {
  await collection(db).createIndex({ workflowId: 1 }, { name: 'by_workflow', unique: true });
}

const wrapAad = (keyId: string, workflowId: string) => `${keyId}|${workflowId}`;

export class DataKeyRing {
  private readonly byWorkflow = new Map<string, { value: DataKey; until: number }>();
  private readonly byId = new Map<string, { value: DataKey; until: number }>();
  /** Destruction is permanent, so tombstones are cached without expiry. */
  private readonly destroyed = new Map<string, Date>();
  private readonly creating = new Map<string, Promise<DataKey>>();

  constructor(private readonly db: Db, private readonly master: EncryptionKeys) {}

  /** The workflow's data key, created (wrapped by the active master key) on first use. */
  async keyFor(workflowId: string): Promise<DataKey> {
    const cached = fresh(this.byWorkflow.get(workflowId));
    if (cached) return cached;
    let pending = this.creating.get(workflowId);
    if (!pending) {
      pending = this.loadOrCreate(workflowId).finally(() => this.creating.delete(workflowId));
      this.creating.set(workflowId, pending);
    }
    return pending;
  }

  /** The data key a payload names; PayloadErasedError when it was destroyed. */
  async keyById(keyId: string): Promise<DataKey> {
    const erasedAt = this.destroyed.get(keyId);
    if (erasedAt) throw new PayloadErasedError(keyId, erasedAt);
    const cached = fresh(this.byId.get(keyId));
    if (cached) return cached;
    const doc = await collection(this.db).findOne({ _id: keyId });
    if (!doc) throw new UnreadablePayloadError('the payload names a data key this service does not hold', { keyId });
    return this.remember(doc);
  }

  /**
   * Destroys the data keys of these workflows (tombstones are written even for workflows that have
   * none yet, so none is ever created). Idempotent; returns how many keys were destroyed now.
   */
  async destroy(workflowIds: readonly string[], erasureId: string): Promise<number> {
    let destroyed = 0;
    const at = new Date();
    for (const workflowId of workflowIds) {
      const doc = await this.docOf(workflowId);
      if (!doc) await this.insertTombstone(workflowId, at, erasureId);
      else if (!doc.destroyedAt) destroyed += (await collection(this.db).updateOne({ _id: doc._id, destroyedAt: null }, { $set: { wrapped: null, destroyedAt: at, erasureId } })).modifiedCount;
      this.forget(workflowId);
    }
    return destroyed;
  }

  /** When the workflow's data key was destroyed (its subject erased), or null while it is not. */
  async erasedAt(workflowId: string): Promise<Date | null> {
    const known = this.destroyed.get(workflowId);
    if (known) return known;
    const doc = await this.docOf(workflowId);
    if (doc?.destroyedAt) this.destroyed.set(doc._id, doc.destroyedAt);
    return doc?.destroyedAt ?? null;
  }

  /** How many of these workflows still have a live data key (their histories are readable). */
  async countLive(workflowIds: readonly string[]): Promise<number> {
    const docs = await Promise.all(workflowIds.map((id) => this.docOf(id)));
    return docs.filter((doc) => doc && !doc.destroyedAt).length;
  }

  /** Re-wraps every live key that an older master key wraps with the active one (rotation). */
  async rewrap(): Promise<{ rewrapped: number; failed: number }> {
    let rewrapped = 0;
    let failed = 0;
    const stale = collection(this.db).find({ destroyedAt: null, masterKeyId: { $ne: this.master.activeKeyId } });
    for await (const doc of stale) {
      try {
        const key = this.unwrap(doc);
        const { masterKeyId, wrapped } = this.wrap(doc._id, doc.workflowId, key);
        const result = await collection(this.db).updateOne({ _id: doc._id, destroyedAt: null, masterKeyId: doc.masterKeyId }, { $set: { masterKeyId, wrapped, rewrappedAt: new Date() } });
        rewrapped += result.modifiedCount;
      } catch {
        failed++; // wrapped by a master key no longer configured: reported, left as it is
      }
    }
    return { rewrapped, failed };
  }

  /** The workflow's key document: by `_id`, else (a key of the first version) by `workflowId`. */
  private async docOf(workflowId: string): Promise<DataKeyDoc | null> {
    return (await collection(this.db).findOne({ _id: workflowId })) ?? (await this.legacyDocOf(workflowId));
  }

  private async legacyDocOf(workflowId: string): Promise<DataKeyDoc | null> {
    this.legacyKeys ??= collection(this.db).findOne({ _id: { $regex: /^dk_/ } }, { projection: { _id: 1 } }).then(Boolean);
    return (await this.legacyKeys) ? collection(this.db).findOne({ workflowId }) : null;
  }
  /** Whether keys of the first version exist (none are made any more): looked up once per process. */
  private legacyKeys: Promise<boolean> | undefined;

  private async loadOrCreate(workflowId: string): Promise<DataKey> {
    const existing = await this.docOf(workflowId);
    if (existing) return this.remember(existing);
    const key = randomBytes(32);
    const doc: DataKeyDoc = { _id: workflowId, workflowId, ...this.wrap(workflowId, workflowId, key), createdAt: new Date(), destroyedAt: null };
    try {
      await collection(this.db).insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another process created this workflow's key first: use theirs.
      const winner = await this.docOf(workflowId);
      if (!winner) throw err;
      return this.remember(winner);
    }
    return this.remember(doc, key);
  }

  /** Marks a workflow that has no key yet as erased, so none is ever made for it. */
  private async insertTombstone(workflowId: string, at: Date, erasureId: string): Promise<void> {
    const tombstone: DataKeyDoc = { _id: workflowId, workflowId, masterKeyId: '', wrapped: null, createdAt: at, destroyedAt: at, erasureId };
    try {
      await collection(this.db).insertOne(tombstone);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // A key was created meanwhile: destroy it.
      const doc = await this.docOf(workflowId);
      if (doc) await collection(this.db).updateOne({ _id: doc._id, destroyedAt: null }, { $set: { wrapped: null, destroyedAt: at, erasureId } });
    }
  }

  private remember(doc: DataKeyDoc, known?: Buffer): DataKey {
    if (doc.destroyedAt) {
      this.destroyed.set(doc._id, doc.destroyedAt);
      throw new PayloadErasedError(doc._id, doc.destroyedAt);
    }
    const value = { keyId: doc._id, key: known ?? this.unwrap(doc) };
    if (this.byId.size >= CACHE_MAX) this.clearCache();
    const until = Date.now() + CACHE_TTL_MS;
    this.byId.set(doc._id, { value, until });
    this.byWorkflow.set(doc.workflowId, { value, until });
    return value;
  }

  private forget(workflowId: string): void {
    const entry = this.byWorkflow.get(workflowId);
    if (entry) this.byId.delete(entry.value.keyId);
    this.byWorkflow.delete(workflowId);
  }

  private clearCache(): void {
    this.byId.clear();
    this.byWorkflow.clear();
  }

  private wrap(keyId: string, workflowId: string, key: Buffer): { masterKeyId: string; wrapped: Binary } {
    const masterKeyId = this.master.activeKeyId;
    return { masterKeyId, wrapped: new Binary(seal(this.master.keys.get(masterKeyId)!, key, wrapAad(keyId, workflowId))) };
  }

  private unwrap(doc: DataKeyDoc): Buffer {
    const master = this.master.keys.get(doc.masterKeyId);
    if (!master) throw new Error(`data key "${doc._id}" is wrapped by master key "${doc.masterKeyId}", which is not configured`);
    if (!doc.wrapped) throw new Error(`data key "${doc._id}" holds no key material`);
    return open(master, doc.wrapped.buffer, wrapAad(doc._id, doc.workflowId));
  }
}

const fresh = <T>(entry: { value: T; until: number } | undefined): T | undefined =>
  entry && entry.until > Date.now() ? entry.value : undefined;
