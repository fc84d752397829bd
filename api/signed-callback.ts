import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { checkSignature } from '../domain/hmac-signature.js';
import { HttpError } from './http-error.js';

/** Server-to-server callbacks are verified over the raw body: keep JSON bodies as strings in this plugin. */
export function keepRawJson(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/**
 * Checks a callback's HMAC signature and timestamp (401 when bad or stale), then parses and
 * validates its JSON body against `schema` (400 naming what is wrong).
 */
export function verifiedBody<T extends z.ZodType>(
  request: FastifyRequest,
  opts: { secret: string; timestampHeader: string; signatureHeader: string; schema: T; what: string },
): z.infer<T> {
  const raw = typeof request.body === 'string' ? request.body : '';
  const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
  const verdict = checkSignature(opts.secret, { timestamp: header(opts.timestampHeader), signature: header(opts.signatureHeader) }, raw, Date.now());
  if (verdict !== 'ok') throw new HttpError(401, `${opts.what} signature ${verdict}`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, `invalid ${opts.what}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * Names one signed delivery: a hash of what the signature covers (timestamp and body). A replay of
 * it within the signature window has the same id; the sender's own retry is signed anew.
 */
export function deliveryId(request: FastifyRequest, timestampHeader: string): string {
  const raw = typeof request.body === 'string' ? request.body : '';
  return createHash('sha256').update(`${String(request.headers[timestampHeader])}.${raw}`).digest('hex');
}
