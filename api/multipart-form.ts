import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-error.js';

/**
 * Reads a whole multipart form, handing each expected file to `store` as it streams in. The
 * request is always read to its end, even after a refused part, so the client gets the error
 * answer instead of a reset connection. The first error is thrown once the form is read.
 */
export async function readMultipartForm<T>(
  request: FastifyRequest,
  opts: { fileFields: readonly string[]; maxFileBytes?: number; store: (part: MultipartFile) => Promise<T> },
): Promise<{ fields: Record<string, string>; files: Map<string, T>; error?: unknown }> {
  const fields: Record<string, string> = {};
  const files = new Map<string, T>();
  let error: unknown;
  for await (const part of request.parts(opts.maxFileBytes ? { limits: { fileSize: opts.maxFileBytes } } : undefined)) {
    if (part.type === 'field') {
      fields[part.fieldname] = String((part as MultipartValue).value);
      continue;
    }
    const problem = !opts.fileFields.includes(part.fieldname)
      ? `${part.fieldname}: unexpected file field; send ${opts.fileFields.join(', ')}`
      : files.has(part.fieldname) ? `${part.fieldname}: sent more than once` : undefined;
    if (error || problem) {
      error ??= new HttpError(400, problem!);
      await drain(part);
      continue;
    }
    try {
      files.set(part.fieldname, await opts.store(part));
    } catch (err) {
      error = err;
      await drain(part);
    }
  }
  return { fields, files, error };
}

async function drain(part: MultipartFile): Promise<void> {
  if (part.file.readableEnded) return;
  await pipeline(part.file, new Writable({ write: (_chunk, _encoding, done) => done() })).catch(() => undefined);
}
