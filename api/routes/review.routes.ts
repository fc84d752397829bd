import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok } from '../../domain/api-response.js';
import { profileIdSchema } from '../../domain/kyc-service.schemas.js';
import { FOUR_EYES_RULES, REJECT_REASONS, RETRY_MESSAGES, type ReviewerRef } from '../../domain/review.js';
import { queueQuery, reviewDecisionBody, reviewNoteBody } from '../../domain/review.schemas.js';
import type { AdminReviewService } from '../admin-review.service.js';
import { apiResponses } from '../openapi.js';
import { assertAdmin } from '../plugins/auth.js';

const caseParams = z.object({ profileId: profileIdSchema });

/**
 * The back office's actions as JSON under `/admin/kyc` (bearer JWT, admin role), so other tools
 * can build on them: the queue, claims, decisions (approve, reject FINAL, RETRY, reset) and notes.
 * A machine admin acts as a senior reviewer under its token's `sub`.
 */
export const reviewRoutes: FastifyPluginAsyncZod<{ review: AdminReviewService }> = async (app, { review }) => {
  // Before the body is validated: a user's request learns nothing of an admin route's schema.
  app.addHook('preValidation', async (request) => assertAdmin(request));
  const actor = (sub: string): ReviewerRef => ({ id: sub, role: 'admin' });

  app.get('/queue', { schema: { summary: 'The reviewers\' queue: oldest waiting first, filters with their counts', querystring: queueQuery, response: apiResponses(403) } }, async (request) =>
    ok(await review.queue(request.query), 'query success'));

  app.get('/reference', { schema: { summary: 'Reject reason codes, ready-made RETRY messages and the review policy', response: apiResponses(403) } }, async () =>
    ok({ rejectReasons: REJECT_REASONS, retryMessages: RETRY_MESSAGES, fourEyesRules: FOUR_EYES_RULES, policy: review.policy }, 'query success'));

  app.post('/cases/:profileId/claim', { schema: { summary: 'Claim a case in review for REVIEW_CLAIM_MINUTES (others see who has it)', params: caseParams, response: apiResponses(403, 404, 409) } }, async (request) =>
    ok({ claim: await review.claim(request.params.profileId, actor(request.user.sub)) }, 'case claimed'));

  app.post('/cases/:profileId/release', { schema: { summary: 'Release your claim on a case', params: caseParams, response: apiResponses(403, 404, 409) } }, async (request) => {
    await review.release(request.params.profileId, actor(request.user.sub));
    return ok({ claim: null }, 'claim released');
  });

  app.post('/cases/:profileId/decision', { schema: { summary: 'Approve (four eyes if high risk), reject FINAL, request a RETRY, or reset', params: caseParams, body: reviewDecisionBody, response: apiResponses(403, 404, 409) } }, async (request) => {
    const result = await review.decideAs(request.params.profileId, actor(request.user.sub), request.body);
    return ok(result, result.outcome === 'APPROVAL_PENDING' ? 'approval recorded; a high-risk case needs a second, senior reviewer to confirm' : 'decision accepted');
  });

  app.post('/cases/:profileId/notes', { schema: { summary: 'Add an internal, append-only note to a case', params: caseParams, body: reviewNoteBody, response: apiResponses(403, 404, 409) } }, async (request) =>
    ok({ note: await review.addNote(request.params.profileId, actor(request.user.sub), request.body.text) }, 'note added'));
};
