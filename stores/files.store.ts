import { GridFSBucket, ObjectId, type Db } from 'mongodb';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sniffContentType, type SniffedType } from '../domain/file-types.js';

/**
 * Uploaded images and videos in GridFS. Workflows carry only the ids; bytes never enter history.
 * An upload that fails for any reason (too large, wrong type, empty, client gone) is deleted, so
 * nothing half-written stays behind.
 */
const BUCKET = 'uploads';
const SNIFF_BYTES = 16;

export interface StoredFile {
  fileId: string;
  sha256: string;
  size: number;
  contentType: SniffedType;
}

export interface FileOwner {
  userId: string;
  profileId?: string;
  purpose: string;
}

export class UploadRejected extends Error {
  constructor(readonly statusCode: 400 | 413 | 415, message: string) {
    super(message);
  }
}

const bucket = (db: Db) => new GridFSBucket(db, { bucketName: BUCKET });

/**
 * Streams `source` into GridFS, hashing and sniffing on the way; rejects types not in `accept`.
 * `check`, if given, sees the whole file once stored (e.g. an image's pixel count from its
 * header) and may refuse it by throwing UploadRejected; the file is then deleted.
 */
export async function storeUpload(
  db: Db,
  source: Readable,
  opts: { field: string; owner: FileOwner; accept: readonly SniffedType[]; check?: (bytes: Buffer, type: SniffedType) => Promise<void> },
): Promise<StoredFile> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let contentType: SniffedType | undefined;
  let refused = false;
  const kept: Buffer[] = [];
  const inspect = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      if (opts.check && !refused) kept.push(chunk);
      size += chunk.length;
      if (!contentType && !refused && head.length < SNIFF_BYTES) {
        head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
        if (head.length >= SNIFF_BYTES) {
          contentType = sniffContentType(head);
          refused = !contentType || !opts.accept.includes(contentType);
        }
      }
      // A refused file is still read to its end (so the client gets our answer), but not stored.
      done(null, refused ? undefined : chunk);
    },
  });
  const upload = bucket(db).openUploadStream(opts.field, { metadata: { ...opts.owner, field: opts.field } });
  let sourceError: (Error & { statusCode?: number }) | undefined;
  source.once('error', (err) => (sourceError = err));
  try {
    await pipeline(source, inspect, upload);
    if ((source as Readable & { truncated?: boolean }).truncated) throw new UploadRejected(413, `${opts.field}: file too large`);
    if (size === 0) throw new UploadRejected(400, `${opts.field}: the file is empty`);
    if (refused || !contentType) throw new UploadRejected(415, `${opts.field}: unsupported file type; expected ${opts.accept.join(', ')}`);
    await opts.check?.(Buffer.concat(kept), contentType);
  } catch (err) {
    await deleteFile(db, upload.id.toString());
    // The client's side failed (limit hit mid-file, body cut off): its error, not ours.
    if (sourceError && !(err instanceof UploadRejected)) {
      throw sourceError.statusCode === 413 ? new UploadRejected(413, `${opts.field}: file too large`) : new UploadRejected(400, `${opts.field}: the upload was cut off; send the file again`);
    }
    throw err;
  }
  const sha256 = hash.digest('hex');
  await db.collection(`${BUCKET}.files`).updateOne({ _id: upload.id }, { $set: { contentType, 'metadata.sha256': sha256 } });
  return { fileId: upload.id.toString(), sha256, size, contentType };
}

/** Deletes a stored file; a file that is already gone is not an error. */
export async function deleteFile(db: Db, fileId: string): Promise<void> {
  await bucket(db).delete(new ObjectId(fileId)).catch(() => undefined);
}

export const openFile = (db: Db, fileId: string) => bucket(db).openDownloadStream(new ObjectId(fileId));

export async function readFile(db: Db, fileId: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bucket(db).openDownloadStream(new ObjectId(fileId))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function fileInfo(db: Db, fileId: string): Promise<{ owner: FileOwner; contentType: string; size: number } | null> {
  if (!ObjectId.isValid(fileId)) return null;
  const doc = await db.collection(`${BUCKET}.files`).findOne({ _id: new ObjectId(fileId) });
  if (!doc) return null;
  return { owner: doc.metadata as FileOwner, contentType: String(doc.contentType), size: Number(doc.length) };
}

/** Erasure and the export find a user's or a profile's files by their owner. */
export async function ensureFileIndexes(db: Db): Promise<void> {
  await db.collection(`${BUCKET}.files`).createIndex({ 'metadata.userId': 1 }, { name: 'by_owner' });
  await db.collection(`${BUCKET}.files`).createIndex({ 'metadata.profileId': 1 }, { name: 'by_profile' });
}

/** Which stored files belong to a data subject: every file of a user, or those of some profiles. */
export interface FileSubject {
  userId: string;
  /** When set, only these profiles' files (plus `fileIds`); otherwise all of the user's. */
  profileIds?: readonly string[];
  /** Files the subject's records point to (e.g. legacy uploads without an owner profile). */
  fileIds?: readonly string[];
}

function subjectFilter(subject: FileSubject) {
  const ids = (subject.fileIds ?? []).filter((id) => ObjectId.isValid(id)).map((id) => new ObjectId(id));
  const owner = subject.profileIds
    ? { 'metadata.userId': subject.userId, 'metadata.profileId': { $in: [...subject.profileIds] } }
    : { 'metadata.userId': subject.userId };
  return ids.length ? { $or: [owner, { _id: { $in: ids } }] } : owner;
}

/** The subject's stored files, without their bytes (for the data export). */
export async function filesOf(db: Db, subject: FileSubject) {
  const docs = await db.collection(`${BUCKET}.files`).find(subjectFilter(subject)).sort({ uploadDate: 1 }).toArray();
  return docs.map((doc) => ({
    fileId: doc._id.toString(),
    purpose: String(doc.metadata?.purpose ?? ''),
    field: String(doc.metadata?.field ?? ''),
    profileId: doc.metadata?.profileId ?? null,
    contentType: String(doc.contentType ?? ''),
    size: Number(doc.length),
    sha256: doc.metadata?.sha256 ?? null,
    uploadedAt: doc.uploadDate instanceof Date ? doc.uploadDate.toISOString() : null,
  }));
}

/** Deletes every stored file of the subject (bytes and all); returns how many. Idempotent. */
export async function deleteFilesOf(db: Db, subject: FileSubject): Promise<number> {
  const files = await db.collection(`${BUCKET}.files`).find(subjectFilter(subject), { projection: { _id: 1 } }).toArray();
  for (const file of files) await deleteFile(db, file._id.toString());
  return files.length;
}

/** Records which profile uploaded files belong to, so erasing that profile finds them. */
export async function assignFilesToProfile(db: Db, fileIds: readonly string[], profileId: string): Promise<void> {
  const ids = fileIds.filter((id) => ObjectId.isValid(id)).map((id) => new ObjectId(id));
  if (ids.length) await db.collection(`${BUCKET}.files`).updateMany({ _id: { $in: ids } }, { $set: { 'metadata.profileId': profileId } });
}
