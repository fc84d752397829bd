import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { profileIdSchema } from '../../domain/kyc-service.schemas.js';
import { KYC_STAGES } from '../../domain/kyc-stage.js';
import { liveClaim, REVIEW_REASON_GROUPS } from '../../domain/review.js';
import { SCREENING_OUTCOMES } from '../../domain/screening.js';
import { queueQuery, reviewDecisionBody, reviewNoteBody } from '../../domain/review.schemas.js';
import { fileInfo, openFile } from '../../stores/files.store.js';
import { findKycProfile } from '../../stores/kyc-profiles.store.js';
import type { AdminReviewService, FileLink } from '../admin-review.service.js';
import { HttpError, notFound } from '../http-error.js';
import type { ScreeningAdminService } from '../screening-admin.service.js';
import { caseView } from './case-view.js';
import type { SignedInReviewer } from './session.js';
import { sendPage } from './views.js';

const backOfficeFile: FileLink = (fileId) => `/backoffice/files/${fileId}`;
const caseParams = z.object({ profileId: profileIdSchema });
const hitParams = caseParams.extend({ hitId: z.string().regex(/^hit_[\w.-]{1,200}$/) });
const hitForm = z.object({
  outcome: z.enum(SCREENING_OUTCOMES, { message: 'choose true match or false positive' }),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
});

const OUTCOME_TEXT: Record<string, string> = {
  APPROVED: 'Approved.',
  APPROVAL_PENDING: 'Your approval is recorded. This high-risk case now needs a senior reviewer to confirm it.',
  REJECTED: 'Rejected (FINAL).',
  RETRY_REQUESTED: 'Resubmission requested: the user has been told what to redo.',
  RESET: 'Returned to review.',
};

/** Parses a form or query with zod; a bad one is a 400 that names the fields. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; '));
  return result.data;
}

/** The queue, the case page, the reviewer's actions (post, then redirect back with a message) and the case images. */
export const caseRoutes: FastifyPluginAsync<{ review: AdminReviewService; screening: ScreeningAdminService; db: Db }> = async (app, { review, screening, db }) => {
  const me = (request: FastifyRequest): SignedInReviewer => request.reviewer!;

  app.get('/', async (_request, reply) => reply.redirect('/backoffice/queue', 303));

  app.get('/queue', async (request, reply) => {
    const query = parse(queueQuery, request.query);
    const queue = await review.queue(query);
    const pageLink = (page: number) => `/backoffice/queue?${new URLSearchParams(Object.entries({ ...query, page }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))}`;
    return sendPage(request, reply, 'queue', { queue, query, stages: KYC_STAGES, reasons: REVIEW_REASON_GROUPS, pageLink });
  });

  app.get('/cases/:profileId', async (request, reply) => {
    const { profileId } = parse(caseParams, request.params);
    const detail = await review.detail(profileId, backOfficeFile);
    return sendPage(request, reply, 'case', caseView(detail, me(request)));
  });

  /** Runs an action on a case; its answer (or refusal) is shown on the case page. */
  async function act(request: FastifyRequest, reply: FastifyReply, action: (profileId: string) => Promise<string>) {
    const { profileId } = parse(caseParams, request.params);
    try {
      request.session.flash = { kind: 'ok', text: await action(profileId) };
    } catch (err) {
      if (!(err instanceof HttpError) || err.statusCode === 404 || err.statusCode >= 500) throw err;
      request.session.flash = { kind: 'error', text: err.message };
    }
    return reply.redirect(`/backoffice/cases/${profileId}`, 303);
  }

  app.post('/cases/:profileId/claim', async (request, reply) => act(request, reply, async (id) => {
    const claim = await review.claim(id, me(request));
    return `You have claimed this case until ${claim?.expiresAt.slice(11, 16)} UTC.`;
  }));

  app.post('/cases/:profileId/release', async (request, reply) => act(request, reply, async (id) => {
    await review.release(id, me(request));
    return 'Claim released.';
  }));

  app.post('/cases/:profileId/decision', async (request, reply) => act(request, reply, async (id) => {
    const result = await review.decideAs(id, me(request), parse(reviewDecisionBody, request.body));
    return result.reasonCode === 'RETRY_LIMIT_REACHED' ? 'The resubmission limit was reached, so the case was rejected FINAL.' : OUTCOME_TEXT[result.outcome]!;
  }));

  app.post('/cases/:profileId/notes', async (request, reply) => act(request, reply, async (id) => {
    await review.addNote(id, me(request), parse(reviewNoteBody, request.body).text);
    return 'Note added.';
  }));

  /** A sanctions/PEP hit resolved on the case page: a true match rejects FINAL, a false positive is dismissed. */
  app.post('/cases/:profileId/screening/:hitId', async (request, reply) => act(request, reply, async (id) => {
    const { hitId } = parse(hitParams, request.params);
    const { outcome, reason } = parse(hitForm, request.body);
    const claim = liveClaim((await findKycProfile(db, id))?.review?.claim, new Date().toISOString());
    if (claim && claim.reviewerId !== me(request).id) throw new HttpError(409, `Claimed by ${claim.reviewerId}: only they can resolve hits until the claim ends.`);
    await screening.resolveHit(id, hitId, outcome, me(request).id, reason);
    return outcome === 'TRUE_MATCH' ? 'True match recorded: the case is rejected (FINAL).' : 'Hit dismissed as a false positive.';
  }));

  /** The case images (document sides, selfie frames) for signed-in reviewers; nothing else is served. */
  app.get('/files/:fileId', async (request, reply) => {
    const { fileId } = parse(z.object({ fileId: z.string().regex(/^[0-9a-f]{24}$/) }), request.params);
    const info = await fileInfo(db, fileId);
    if (!info || !info.contentType.startsWith('image/')) throw notFound('image');
    return reply.header('content-type', info.contentType).header('cache-control', 'private, no-store').send(openFile(db, fileId));
  });
};
