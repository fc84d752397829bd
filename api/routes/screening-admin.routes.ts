import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { profileIdSchema } from '../../domain/kyc-service.schemas.js';
import { SCREENING_OUTCOMES } from '../../domain/screening.js';
import { apiResponses } from '../openapi.js';
import { assertAdmin } from '../plugins/auth.js';
import { writeRoute } from '../plugins/rate-limit.js';
import type { ScreeningAdminService } from '../screening-admin.service.js';

const resolveBody = z.object({
  profileId: profileIdSchema,
  hitId: z.string().regex(/^hit_[\w.-]{1,200}$/, 'must be a hit id from the profile\'s screening'),
  outcome: z.enum(SCREENING_OUTCOMES),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
});

const runBody = z.object({
  /** Re-screen against these loaded versions; without, the configured files are reloaded first. */
  versionIds: z.array(z.string().regex(/^(opensanctions|ofac-sdn):[0-9a-f]{64}$/, 'must be a list version id')).max(20).optional(),
}).default({});

const blockBody = z.object({
  /** The profile whose confirmed document is blocked (stored as a keyed hash only). */
  profileId: profileIdSchema,
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
});

const unblockBody = z.object({
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500).optional(),
}).default({});

/** Screening under `/admin/kyc/screening`: resolve hits, see the loaded list versions. Admin role only. */
export const screeningAdminRoutes: FastifyPluginAsyncZod<{ screening: ScreeningAdminService }> = async (app, { screening }) => {
  // Before the body is validated: a user's request learns nothing of an admin route's schema.
  app.addHook('preValidation', async (request) => assertAdmin(request));

  app.post('/resolve', { config: writeRoute, schema: { summary: 'Resolve a screening hit: true match (rejects) or false positive', body: resolveBody, response: apiResponses(403, 404, 409) } }, async (request) => {
    const { profileId, hitId, outcome, reason } = request.body;
    return ok(await screening.resolveHit(profileId, hitId, outcome, request.user.sub, reason), 'hit resolved');
  });

  app.post('/run', { config: writeRoute, schema: { summary: 'Start a monitoring run: reload the lists, re-screen approved customers', body: runBody, response: apiResponses(403, 404, 409) } }, async (request) =>
    ok(await screening.run(request.body.versionIds), 'monitoring run started'));

  app.post('/blocklist', { config: writeRoute, schema: { summary: "Blocklist a profile's confirmed document (kept as a keyed hash)", body: blockBody, response: apiResponses(403, 404, 409) } }, async (request) =>
    ok(await screening.blockDocumentOf(request.body.profileId, request.user.sub, request.body.reason), 'document blocklisted'));
  app.post('/blocklist/face', { config: writeRoute, schema: { summary: "Blocklist a profile's face (its stored descriptors, kept sealed): a profile with that face is rejected", body: blockBody, response: apiResponses(403, 404, 409) } }, async (request) =>
    ok(await screening.blockFaceOf(request.body.profileId, request.user.sub, request.body.reason), 'face blocklisted'));
  app.get('/blocklist', { schema: { summary: 'The blocklisted documents and faces, newest first (no document numbers, no descriptors), and the latest removals', response: apiResponses(403) } }, async () => ok(await screening.blocklist(), 'query success'));
  app.delete('/blocklist/:blockId', { config: writeRoute, schema: { summary: 'Remove a document or a face from the blocklist (who removed it, and why if given, is recorded)', params: z.object({ blockId: z.string().regex(/^(doc:[0-9a-f]{64}|face:profile_[0-9a-f]{24})$/, 'must be a blocklist id') }), body: unblockBody, response: apiResponses(403, 404) } }, async (request) =>
    ok(await screening.unblock(request.params.blockId, request.user.sub, request.body.reason ?? null), 'removed from the blocklist'));

  app.get('/lists', { schema: { summary: 'The loaded sanctions/PEP list versions with dates and counts', response: apiResponses(403) } }, async () => ok({ versions: await screening.lists() }, 'query success'));
};
