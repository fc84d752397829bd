import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TASK_ID_PATTERN, type CardApplication } from '../../domain/cards.js';
import { applyCardBody } from '../../domain/kyc-service.schemas.js';
import type { CardService } from '../card.service.js';
import { applyCardResponse, appResponses } from '../openapi.js';
import { writeRoute } from '../plugins/rate-limit.js';
import { keepRawJson, verifiedBody } from '../signed-callback.js';

const taskView = (a: CardApplication) => ({
  task_id: a.taskId,
  physical: a.physical,
  stage: a.stage,
  stages: a.stages,
  card_id: a.cardId,
  failure_reason: a.failureReason,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

/** Seed 001 `POST /card/apply`, plus what a client needs around it: task progress and the user's cards. */
export const cardRoutes: FastifyPluginAsyncZod<{ cards: CardService }> = async (app, { cards }) => {
  app.post('/card/apply', { schema: { summary: 'Apply for a virtual or physical card (KYC approved, card fee paid)', body: applyCardBody, response: appResponses(applyCardResponse, 402) }, config: writeRoute }, async (request) => {
    const { application, taskId, kycId } = await cards.apply(request.user, request.body);
    return {
      data: { ...(application?.cardId ? { card_id: application.cardId } : {}), kyc_id: kycId, physical: request.body.physical, task_id: taskId },
      message: application?.stage === 'FAILED' ? `Card application failed: ${application.failureReason}` : 'Card application submitted',
      status: 'success',
    };
  });

  app.get('/card/tasks/:task_id', { schema: { summary: "A card application's progress", params: z.object({ task_id: z.string().regex(TASK_ID_PATTERN, 'a task id') }) } }, async (request) =>
    taskView(await cards.task(request.user, request.params.task_id)));

  app.get('/cards', { schema: { summary: "The signed-in user's issued cards, PAN masked" } }, async (request) => ({
    cards: (await cards.cards(request.user)).map((c) => ({
      card_id: c.cardId,
      task_id: c.taskId,
      physical: c.physical,
      status: c.stage,
      pan: `**** **** **** ${c.panLast4}`,
      created_at: c.createdAt.toISOString(),
    })),
  }));
};

const fulfilmentEvent = z.object({
  event_id: z.string().min(1).max(64),
  card_id: z.number().int(),
  reference: z.string().regex(TASK_ID_PATTERN),
  stage: z.enum(['EMBOSSED', 'SHIPPED', 'DELIVERED']),
});

/** The issuer's signed fulfilment callbacks for physical cards (no user token). */
export const cardCallbackRoutes: FastifyPluginAsync<{ cards: CardService; secret: string }> = async (app, { cards, secret }) => {
  keepRawJson(app);
  app.post('/card/callback', { schema: { summary: "The card issuer's signed fulfilment callback (embossed, shipped, delivered)" }, config: { public: true } }, async (request) => {
    const event = verifiedBody(request, { secret, timestampHeader: 'x-issuer-timestamp', signatureHeader: 'x-issuer-signature', schema: fulfilmentEvent, what: 'issuer callback' });
    return cards.fulfilment(event.reference, event.card_id, event.event_id, event.stage);
  });
};
