import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
}

/** Multipart uploads stream (never buffered whole); a file over the limit answers 413. */
export async function registerMultipart(app: FastifyInstance, limits: UploadLimits): Promise<void> {
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 10, fieldSize: 1_024, parts: limits.maxFiles + 10, headerPairs: 100 },
  });
}
