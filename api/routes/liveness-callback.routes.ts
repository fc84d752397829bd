import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { checkSignature } from '../../domain/hmac-signature.js';
import { profileIdSchema } from '../../domain/kyc-service.schemas.js';
import { HttpError } from '../http-error.js';
import type { LivenessService } from '../liveness.service.js';

const callbackBody = z.object({
  profileId: profileIdSchema,
  sessionId: z.string().max(64).optional(),
  confidence: z.number().min(0).max(100).optional(),
  result: z.string().max(64).optional(),
  errorMessage: z.string().max(500).optional(),
});

/**
 * Seed 003 `POST /callback/liveness`: a liveness vendor's server-to-server result. No user token;
 * instead `x-kyc-timestamp` (ms) and `x-kyc-signature` = hex HMAC-SHA256 of "<timestamp>.<raw body>"
 * with LIVENESS_CALLBACK_SECRET, within five minutes. A bad signature is 401.
 */
export const livenessCallbackRoutes: FastifyPluginAsync<{ liveness: LivenessService; secret: string }> = async (app, { liveness, secret }) => {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/callback/liveness', { config: { public: true } }, async (request) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
    const verdict = checkSignature(secret, { timestamp: header('x-kyc-timestamp'), signature: header('x-kyc-signature') }, raw, Date.now());
    if (verdict !== 'ok') throw new HttpError(401, `callback signature ${verdict}`);
    let body;
    try {
      body = callbackBody.safeParse(JSON.parse(raw));
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    if (!body.success) throw new HttpError(400, `invalid callback: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { profileId, sessionId, confidence, result, errorMessage } = body.data;
    await liveness.recordCallback(profileId, { sessionId: sessionId ?? null, confidence: confidence ?? null, result: result ?? null, errorMessage: errorMessage ?? null });
    return ok({ profileId, recorded: true }, 'callback recorded');
  });
};
