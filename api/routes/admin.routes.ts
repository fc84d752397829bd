import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { profileIdSchema } from '../../domain/kyc-service.schemas.js';
import { KYC_STAGES } from '../../domain/kyc-stage.js';
import { plainText } from '../../domain/text-fields.js';
import { REJECT_REASON_CODES, type RejectReasonCode } from '../../domain/review.js';
import type { AdminReviewService } from '../admin-review.service.js';
import { apiResponses } from '../openapi.js';
import { assertAdmin } from '../plugins/auth.js';
import { writeRoute } from '../plugins/rate-limit.js';

const listBody = z.object({
  profileIds: z.array(profileIdSchema).max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  stage: z.enum(KYC_STAGES).optional(),
  status: z.enum(['pending_submit', 'pending', 'processing', 'approved', 'rejected', 'failed', 'not_completed', 'cancelled']).optional(),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  overdue: z.boolean().optional(),
}).default({ page: 1, limit: 20 });

const updateStatusBody = z.object({
  profileId: profileIdSchema,
  // The seed's DTO carries it as a string ("2"); numbers are accepted too.
  status: z.union([z.enum(['-1', '0', '2']).transform(Number), z.literal(-1), z.literal(0), z.literal(2)]) as z.ZodType<-1 | 0 | 2>,
  /** The internal comment (never shown to the user). */
  remark: plainText(500).optional(),
  /** For a rejection (-1): why (FINAL), and what the user is told (the reason's standard message by default). */
  reasonCode: z.enum(REJECT_REASON_CODES as [RejectReasonCode, ...RejectReasonCode[]]).optional(),
  userMessage: plainText(300).optional(),
});

/**
 * Seed 003 admin review, served twice: under `/admin/kyc` (list, detail, update-status) and as
 * the mirrors under `/api/web/kycService` (list, detail, status/update). Admin role only.
 */
export const adminRoutes: FastifyPluginAsyncZod<{ review: AdminReviewService; updatePath: string }> = async (app, { review, updatePath }) => {
  // Before the body is validated: a user's request learns nothing of an admin route's schema.
  app.addHook('preValidation', async (request) => assertAdmin(request));

  app.post('/list', { schema: { summary: 'List KYC profiles by stage, status, country or SLA, newest first', body: listBody, response: apiResponses(403) } }, async (request) => ok(await review.list(request.body), 'query success'));

  app.get('/detail/:profileId', { schema: { summary: 'A profile with its files and workflow timeline, for review', params: z.object({ profileId: profileIdSchema }), response: apiResponses(403, 404) } }, async (request) =>
    ok(await review.detail(request.params.profileId), 'query success'));

  app.post(updatePath, { schema: { summary: 'Approve (2), reject FINAL (-1) or reset to review (0) a profile, through the decision model', body: updateStatusBody, response: apiResponses(403, 404, 409) }, config: writeRoute }, async (request) => {
    const { profileId, status, remark, reasonCode, userMessage } = request.body;
    const result = await review.decide(profileId, request.user.sub, status, remark ?? null, { reasonCode, userMessage });
    return ok(result, result.outcome === 'APPROVAL_PENDING' ? 'approval recorded; a high-risk case needs a second, senior reviewer to confirm' : 'decision accepted');
  });
};
