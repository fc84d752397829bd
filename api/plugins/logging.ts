import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';

/**
 * Structured logs (pino) with a request id (the caller's `x-request-id` when it is sane), the user
 * id once authenticated, and the workflow id where a route works on one. Request bodies are logged
 * at debug level only, and every PII field and credential is redacted wherever it appears.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  ...['name', 'surname', 'givenNames', 'idNumber', 'docNumber', 'birthDate', 'expiryDate', 'nationality', 'personalNumber', 'fields', 'extracted', 'confirmed', 'frontImageUrl', 'backImageUrl']
    .flatMap((field) => [`body.${field}`, `*.${field}`, `*.*.${field}`]),
];

const REQUEST_ID = /^[\w.-]{8,64}$/;

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions {
  return {
    logger: { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, ...(stream ? { stream } : {}) },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdLogLabel: 'requestId',
  };
}

export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('preHandler', async (request) => {
    if (request.user?.sub) request.log = request.log.child({ userId: request.user.sub });
    if (request.body !== undefined && !request.isMultipart()) request.log.debug({ body: request.body }, 'request body');
  });
}
