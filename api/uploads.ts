import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SniffedType } from '../domain/file-types.js';
import { deleteFile, storeUpload, UploadRejected, type FileOwner, type StoredFile } from '../stores/files.store.js';
import { HttpError } from './http-error.js';
import { isRefusedStep } from './workflow-errors.js';

export interface UploadSpec {
  /** The form's file fields; any other file field is refused. */
  fileFields: readonly string[];
  accept: readonly SniffedType[];
  owner: FileOwner;
  /** Overrides the app-wide file size limit. */
  maxFileBytes?: number;
  /** Sees each whole file once stored (by its field); throws UploadRejected to refuse it. */
  check?: (field: string) => (bytes: Buffer, type: SniffedType) => Promise<void>;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  files: Map<string, StoredFile>;
  /**
   * Passes the files on (a workflow Update). From then on they are the taker's: they stay even if
   * the call fails, unless the step was refused (409).
   */
  handOver<T>(take: () => Promise<T>): Promise<T>;
}

/**
 * The API's one upload path. Reads a multipart form, streaming each expected file to storage (type
 * sniffed, size limited, hashed), then runs `use`. Whatever fails before the files are handed over
 * (the parser: too many files or fields, a body cut off or without its closing boundary; a refused
 * file; a bad field; someone else's profile) and a step the workflow refuses delete every stored
 * file and answer 4xx. The request is read to its end, so the client gets the answer.
 */
export async function receiveUpload<T>(request: FastifyRequest, db: Db, spec: UploadSpec, use: (upload: ReceivedUpload) => Promise<T>): Promise<T> {
  if (!request.isMultipart()) throw new HttpError(415, `send multipart/form-data with ${spec.fileFields.join(', ')} and the form's fields`);
  const stored: StoredFile[] = [];
  let handedOver = false;
  try {
    const form = await readForm(request, spec, async (part) => {
      const file = await storeUpload(db, part.file, { field: part.fieldname, owner: spec.owner, accept: spec.accept, ...(spec.check ? { check: spec.check(part.fieldname) } : {}) });
      stored.push(file);
      return file;
    });
    return await use({
      ...form,
      handOver: (take) => {
        handedOver = true;
        return take();
      },
    });
  } catch (err) {
    if (!handedOver || isRefusedStep(err)) await Promise.all(stored.map((file) => deleteFile(db, file.fileId)));
    if (err instanceof UploadRejected) throw new HttpError(err.statusCode, err.message);
    throw err;
  }
}

/** The form's fields and stored files; the first refused part is thrown once the body is read. */
async function readForm(request: FastifyRequest, spec: UploadSpec, store: (part: MultipartFile) => Promise<StoredFile>) {
  const fields: Record<string, string> = {};
  const files = new Map<string, StoredFile>();
  let refusal: Error | undefined;
  const parts = request.parts(spec.maxFileBytes ? { limits: { fileSize: spec.maxFileBytes } } : undefined)[Symbol.asyncIterator]();
  for (;;) {
    const next = await parts.next().catch((err: unknown) => {
      throw malformed(err);
    });
    if (next.done) break;
    const part = next.value;
    if (part.type === 'field') {
      fields[part.fieldname] = String((part as MultipartValue).value);
      continue;
    }
    const problem = !spec.fileFields.includes(part.fieldname)
      ? `${part.fieldname}: unexpected file field; send ${spec.fileFields.join(', ')}`
      : files.has(part.fieldname) ? `${part.fieldname}: sent more than once` : undefined;
    if (refusal || problem) {
      refusal ??= new HttpError(400, problem!);
      await drain(part);
      continue;
    }
    try {
      files.set(part.fieldname, await store(part));
    } catch (err) {
      refusal = err as Error;
      await drain(part);
    }
  }
  if (refusal) throw refusal;
  return { fields, files };
}

/** What the multipart parser threw, as the client's error: limits are 413, anything else a bad body. */
function malformed(err: unknown): HttpError {
  const { code, statusCode } = err as { code?: string; statusCode?: number };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new HttpError(413, 'a file is too large');
  if (statusCode === 413) return new HttpError(413, 'the form has too many files, fields or parts');
  return new HttpError(400, 'the multipart body is malformed or cut off; send the whole form again');
}

async function drain(part: MultipartFile): Promise<void> {
  if (part.file.readableEnded) return;
  await pipeline(part.file, new Writable({ write: (_chunk, _encoding, done) => done() })).catch(() => undefined);
}
