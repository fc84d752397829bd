import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { profileIdSchema } from '../../domain/kyc-service.schemas.js';
import { plainText } from '../../domain/text-fields.js';
import type { LivenessService } from '../liveness.service.js';
import { deliveryId, keepRawJson, verifiedBody } from '../signed-callback.js';

const callbackBody = z.object({
  profileId: profileIdSchema,
  sessionId: z.string().max(64).optional(),
  confidence: z.number().min(0).max(100).optional(),
  result: plainText(64).optional(),
  errorMessage: plainText(500).optional(),
});

/**
 * Seed 003 `POST /callback/liveness`: a liveness vendor's server-to-server result. No user token;
 * instead `x-kyc-timestamp` (ms) and `x-kyc-signature` = hex HMAC-SHA256 of "<timestamp>.<raw body>"
 * with LIVENESS_CALLBACK_SECRET, within five minutes. A bad signature is 401; a delivery replayed
 * within that window is answered `recorded: false` and changes nothing.
 */
export const livenessCallbackRoutes: FastifyPluginAsync<{ liveness: LivenessService; secret: string }> = async (app, { liveness, secret }) => {
  keepRawJson(app);

  app.post('/callback/liveness', { schema: { summary: "A liveness vendor's signed result for a profile" }, config: { public: true } }, async (request) => {
    const { profileId, sessionId, confidence, result, errorMessage } = verifiedBody(request, {
      secret, timestampHeader: 'x-kyc-timestamp', signatureHeader: 'x-kyc-signature', schema: callbackBody, what: 'callback',
    });
    const recorded = await liveness.recordCallback(deliveryId(request, 'x-kyc-timestamp'), profileId, {
      sessionId: sessionId ?? null, confidence: confidence ?? null, result: result ?? null, errorMessage: errorMessage ?? null,
    });
    return ok({ profileId, recorded }, recorded ? 'callback recorded' : 'callback already received; ignored');
  });
};
