import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { apiError } from '../../domain/api-response.js';
import { HttpError } from '../http-error.js';
import { isUnavailable, RETRY_AFTER_SECONDS, unavailable } from '../unavailable.js';

/**
 * One error path for every route. Seed 003 routes answer `{code, message, data}`; seed 000/001
 * routes answer `{error, details}`. Unexpected errors are logged and answered without internals.
 */
const SEED_003_PREFIXES = ['/api/web/kycService', '/admin/kyc'];

const usesApiResponse = (url: string): boolean => SEED_003_PREFIXES.some((prefix) => url.startsWith(prefix));

function send(request: FastifyRequest, reply: FastifyReply, error: HttpError): FastifyReply {
  const body = usesApiResponse(request.url)
    ? apiError(error.code, error.message, error.data)
    : { error: error.message, details: typeof error.data === 'string' ? error.data : error.message };
  if (error.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.status(error.statusCode).send(body);
}

/** Fastify's own 4xx errors (validation, body too large, bad JSON) become clear HttpErrors. */
function toHttpError(error: FastifyError): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const problems = error.validation.map((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || String((issue.params as { missingProperty?: string })?.missingProperty ?? '');
      return field ? `${field}: ${issue.message}` : String(issue.message);
    });
    return new HttpError(400, `invalid ${where}: ${problems.join('; ')}`);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new HttpError(status, error.message);
  return undefined;
}

/** Paths echoed in messages are cut short: an error answer never mirrors a long request back. */
const shortPath = (url: string): string => {
  const path = url.split('?')[0]!;
  return path.length > 80 ? `${path.slice(0, 80)}…` : path;
};

/**
 * Errors the router raises before any route or hook runs (Fastify's `frameworkErrors` option): a
 * path parameter over the length limit (414) or a malformed URL (400), in the route's envelope.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new HttpError(414, 'the URL is too long')
    : new HttpError(400, 'the URL is malformed');
  reply.header('x-request-id', request.id);
  void send(request, reply, known);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a malformed request line or header,
 * conflicting lengths, headers over 16 KB): no route can be told from them, so they get the
 * `{error, details}` envelope (instead of Fastify's own body), then the connection closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, details] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'the request headers are too large']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'the request took too long to arrive']
    : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: STATUS_CODES[status], details });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toHttpError(error);
    if (known) return send(request, reply, known);
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'backing service unavailable');
      return send(request, reply, unavailable());
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(request, reply, new HttpError(500, 'internal error'));
  });
  app.setNotFoundHandler((request, reply) => send(request, reply, new HttpError(404, `route ${request.method} ${shortPath(request.url)} not found`)));
}
