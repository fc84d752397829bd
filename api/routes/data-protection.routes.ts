import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { REQUESTABLE_LEGAL_BASES } from '../../domain/data-protection.js';
import { isReservedUserId, USER_ID_PATTERN } from '../../domain/ids.js';
import type { DataProtectionService } from '../data-protection.service.js';
import { apiResponses } from '../openapi.js';
import { assertAdmin } from '../plugins/auth.js';
import { writeRoute } from '../plugins/rate-limit.js';

const params = z.object({
  userId: z.string().regex(USER_ID_PATTERN, 'a user id').refine((id) => !isReservedUserId(id), 'a reserved name'),
});

const eraseBody = z.object({
  legalBasis: z.enum(REQUESTABLE_LEGAL_BASES),
  note: z.string().trim().max(500).optional(),
  overrideLegalHold: z.object({ reason: z.string().trim().min(10, 'say why (at least 10 characters)').max(500) }).optional(),
});

/**
 * Data protection, admin role only (seed-003 envelope): erasure on request, the erasure log, and
 * the export of everything held on a user (right of access).
 */
export const dataProtectionRoutes: FastifyPluginAsyncZod<{ service: DataProtectionService }> = async (app, { service }) => {
  // Before the body is validated: a user's request learns nothing of an admin route's schema.
  app.addHook('preValidation', async (request) => assertAdmin(request));

  app.post('/users/:userId/erasure', { schema: { summary: "Erase a user's KYC data (idempotent; refused under legal hold unless overridden)", params, body: eraseBody, response: apiResponses(202, 403, 404, 409) }, config: writeRoute }, async (request, reply) => {
    const { legalBasis, note, overrideLegalHold } = request.body;
    const answer = await service.eraseUser(request.params.userId, { legalBasis, note: note ?? null, overrideLegalHold: overrideLegalHold ?? null }, request.user.sub);
    if (answer.status === 'running') return reply.status(202).send(ok(answer, 'erasure started; see the erasure log for its end'));
    return ok(answer, answer.status === 'completed' ? 'erased' : 'nothing left to erase: already erased');
  });

  app.get('/users/:userId/erasures', { schema: { summary: "A user's erasures: who, when, what, on which legal basis", params, response: apiResponses(403) } }, async (request) =>
    ok({ items: await service.erasures(request.params.userId) }, 'query success'));

  app.get('/users/:userId/export', { schema: { summary: 'Everything held on a user as one JSON document, with file links (right of access)', params, response: apiResponses(403, 404) } }, async (request, reply) => {
    const document = await service.exportUser(request.params.userId);
    reply.header('content-disposition', `attachment; filename="kyc-data-${request.params.userId}.json"`).header('cache-control', 'private, no-store');
    return ok(document, 'export');
  });
};
