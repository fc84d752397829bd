import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { PROFILE_ID_PATTERN } from '../../domain/ids.js';
import { submitProfileBody } from '../../domain/kyc-service.schemas.js';
import type { KycProfileService } from '../kyc-profile.service.js';
import { assertSelfOrAdmin } from '../plugins/auth.js';

const profileIdParam = z.object({
  profileId: z.string().regex(PROFILE_ID_PATTERN, 'must look like profile_ followed by 24 hex characters'),
});

/** Seed 003: `/api/web/kycService/*`, answering `ApiResponse { code, message, data }`. */
export const kycServiceRoutes: FastifyPluginAsyncZod<{ profiles: KycProfileService }> = async (app, { profiles }) => {
  app.post('/submit', { schema: { body: submitProfileBody } }, async (request) => {
    assertSelfOrAdmin(request, request.body.userId);
    const { profileId, created } = await profiles.submit(request.body);
    return ok({ profileId }, created ? 'success' : 'an active profile already exists for this user');
  });

  app.get('/status/:profileId', { schema: { params: profileIdParam } }, async (request) => {
    const status = await profiles.status(request.params.profileId, request.user);
    return ok({ status }, 'query success');
  });
};
