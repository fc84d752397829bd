import { Binary, type Collection, type Db } from 'mongodb';
import { open, seal } from '../codec/aes-gcm.js';
import type { EncryptionKeys } from '../codec/master-keys.js';
import type { FaceMetric } from '../screening/face-index.js';
import { isDuplicateKey } from './mongo-errors.js';

/**
 * Face descriptors of each profile (the document portrait's and the selfie's), for duplicate-face
 * search: sealed with the active payload master key (AES-256-GCM, the profile id authenticated),
 * tagged with the descriptor model (name, package, version): descriptors of different models are
 * never compared. One document per profile (a rematch replaces it), the user id beside it, so
 * erasure is one delete. `storedAt` lets each worker add new descriptors to its index incrementally.
 */
export interface FaceDescriptors {
  /** The describer's model version, e.g. `faceapi-resnet34@@vladmandic/face-api@1.7.15`. */
  model: string;
  metric: FaceMetric;
  document: Float32Array;
  selfie: Float32Array;
}

interface SealedFace {
  model: string;
  metric: FaceMetric;
  dims: number;
  keyId: string;
  /** document ‖ selfie, float32 little-endian, sealed. */
  sealed: Binary;
}

interface FaceDoc extends SealedFace {
  _id: string; // profileId
  userId: string;
  storedAt: Date;
}

export interface FaceBlockDoc {
  _id: string; // `face:${profileId}`
  kind: 'FACE';
  reason: string;
  addedBy: string;
  profileId: string;
  at: Date;
  /** A sealed copy of the profile's descriptors: the block outlives the profile's erasure. */
  face: SealedFace;
}

const faces = (db: Db): Collection<FaceDoc> => db.collection('face_descriptors');
const blocklist = (db: Db): Collection<FaceBlockDoc> => db.collection('screening_blocklist');
const aad = (profileId: string) => `face-descriptors:${profileId}`;

export async function ensureFaceDescriptorIndexes(db: Db): Promise<void> {
  await faces(db).createIndex({ userId: 1 }, { name: 'by_user' });
  await faces(db).createIndex({ storedAt: 1 }, { name: 'by_stored_at' });
}

export async function saveFaceDescriptors(db: Db, keys: EncryptionKeys, profileId: string, userId: string, face: FaceDescriptors): Promise<void> {
  if (face.document.length !== face.selfie.length) throw new Error('the two descriptors differ in size');
  const plain = new Uint8Array(face.document.length * 8);
  plain.set(new Uint8Array(face.document.buffer, face.document.byteOffset, face.document.byteLength), 0);
  plain.set(new Uint8Array(face.selfie.buffer, face.selfie.byteOffset, face.selfie.byteLength), face.document.byteLength);
  const sealed = new Binary(seal(keys.keys.get(keys.activeKeyId)!, plain, aad(profileId)));
  const doc = { userId, model: face.model, metric: face.metric, dims: face.document.length, keyId: keys.activeKeyId, sealed, storedAt: new Date() };
  await faces(db).replaceOne({ _id: profileId }, doc, { upsert: true });
}

/** Opens one sealed record; null when sealed with a key no longer configured. */
function openFace(keys: EncryptionKeys, profileId: string, face: SealedFace): FaceDescriptors | null {
  const key = keys.keys.get(face.keyId);
  if (!key) return null;
  const plain = open(key, face.sealed.buffer, aad(profileId));
  const all = new Float32Array(plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength));
  return { model: face.model, metric: face.metric, document: all.slice(0, face.dims), selfie: all.slice(face.dims) };
}

export interface StoredFace extends FaceDescriptors {
  profileId: string;
  userId: string;
  storedAt: Date;
}

export async function loadFaceDescriptors(db: Db, keys: EncryptionKeys, profileId: string): Promise<StoredFace | null> {
  const doc = await faces(db).findOne({ _id: profileId });
  const face = doc && openFace(keys, profileId, doc);
  return face && { ...face, profileId, userId: doc.userId, storedAt: doc.storedAt };
}

/** Every readable record stored at or after `since`, oldest first (a worker's index catching up). */
export async function* facesStoredSince(db: Db, keys: EncryptionKeys, since: Date): AsyncGenerator<StoredFace> {
  for await (const doc of faces(db).find({ storedAt: { $gte: since } }).sort({ storedAt: 1 })) {
    const face = openFace(keys, doc._id, doc);
    if (face) yield { ...face, profileId: doc._id, userId: doc.userId, storedAt: doc.storedAt };
  }
}

/** When each of these profiles' descriptors were stored (absent: erased), to drop stale index rows. */
export async function faceVersions(db: Db, profileIds: string[]): Promise<Map<string, { userId: string; storedAt: number }>> {
  const docs = await faces(db).find({ _id: { $in: profileIds } }, { projection: { userId: 1, storedAt: 1 } }).toArray();
  return new Map(docs.map((d) => [d._id, { userId: d.userId, storedAt: d.storedAt.getTime() }]));
}

/** Erasure: the descriptors of these profiles (all the user's when `profileIds` is null). */
export async function deleteFaceDescriptors(db: Db, userId: string, profileIds: string[] | null): Promise<number> {
  return (await faces(db).deleteMany({ userId, ...(profileIds ? { _id: { $in: profileIds } } : {}) })).deletedCount;
}

export const faceDescriptorsOfUser = (db: Db, userId: string) =>
  faces(db).find({ userId }, { projection: { _id: 1, model: 1, storedAt: 1 } }).toArray();

/** Blocks a profile's face (a sealed copy of its descriptors); false when it is blocked already. */
export async function blockFace(db: Db, profileId: string, entry: { reason: string; addedBy: string }): Promise<'blocked' | 'exists' | 'no-face'> {
  const doc = await faces(db).findOne({ _id: profileId });
  if (!doc) return 'no-face';
  const { model, metric, dims, keyId, sealed } = doc;
  try {
    await blocklist(db).insertOne({ _id: `face:${profileId}`, kind: 'FACE', ...entry, profileId, at: new Date(), face: { model, metric, dims, keyId, sealed } });
    return 'blocked';
  } catch (err) {
    if (isDuplicateKey(err)) return 'exists';
    throw err;
  }
}

/** The blocked faces of one model, opened (an admin-kept list: tens of entries, read per check). */
export async function blockedFaces(db: Db, keys: EncryptionKeys, model: string): Promise<Array<Omit<FaceBlockDoc, 'face'> & { descriptors: Float32Array[] }>> {
  const out: Array<Omit<FaceBlockDoc, 'face'> & { descriptors: Float32Array[] }> = [];
  for (const { face, ...entry } of await blocklist(db).find({ kind: 'FACE', 'face.model': model }).toArray()) {
    const opened = openFace(keys, entry.profileId, face);
    if (opened) out.push({ ...entry, descriptors: [opened.document, opened.selfie] });
  }
  return out;
}
