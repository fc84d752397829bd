import { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
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
  ...['name', 'surname', 'givenNames', 'idNumber', 'docNumber', 'birthDate', 'expiryDate', 'nationality', 'personalNumber', 'fields', 'extracted', 'confirmed', 'frontImageUrl', 'backImageUrl',
    // The back office's forms: credentials, and reviewers' free text (it may quote the user's data).
    'password', '_csrf', 'remark', 'comment', 'userMessage', 'text']
    .flatMap((field) => [`body.${field}`, `*.${field}`, `*.*.${field}`]),
];

const REQUEST_ID = /^[\w.-]{8,64}$/;

/** Query parameters whose values are credentials (a token someone put in a URL), by name. */
const SECRET_QUERY_PARAM = /token|jwt|auth|key|secret|signature|sig$|password|code/i;

/** The URL as logged: credential-like query values redacted, the rest kept for tracing. */
export function loggableUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url.slice(at + 1).split('&').map((pair) => {
    const [name = ''] = pair.split('=', 1);
    return SECRET_QUERY_PARAM.test(decodeURIComponentSafe(name)) ? `${name}=[redacted]` : pair;
  });
  return `${url.slice(0, at)}?${query.join('&')}`;
}

const decodeURIComponentSafe = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions {
  return {
    logger: {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (request: FastifyRequest) => ({ method: request.method, url: loggableUrl(request.url), host: request.host, remoteAddress: request.ip }),
      },
      ...(stream ? { stream } : {}),
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
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
