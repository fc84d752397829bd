import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PAYMENT_ID_PATTERN, PAYMENT_TYPES, type PaymentEvent } from '../../domain/payments.js';
import { paymentView, type PaymentService } from '../payment.service.js';
import { writeRoute } from '../plugins/rate-limit.js';
import { keepRawJson, verifiedBody } from '../signed-callback.js';

/** Fee payments for the signed-in user (seed 000's `{error, details}` envelope on errors). */
export const paymentRoutes: FastifyPluginAsyncZod<{ payments: PaymentService }> = async (app, { payments }) => {
  app.post('/payments', {
    schema: {
      summary: 'Open a fee payment (kyc, virtual or physical card); answers its checkout URL',
      body: z.object({ type: z.enum(PAYMENT_TYPES) }),
      headers: z.object({ 'idempotency-key': z.string().regex(/^[\w.:-]{8,128}$/, '8 to 128 letters, digits, _ . : -').optional() }),
    },
    config: writeRoute,
  }, async (request, reply) => {
    const { payment, created } = await payments.create(request.user, request.body.type, request.headers['idempotency-key']);
    return reply.status(created ? 201 : 200).send(paymentView(payment));
  });

  app.get('/payments/:paymentId', {
    schema: { summary: 'A fee payment of the signed-in user', params: z.object({ paymentId: z.string().regex(PAYMENT_ID_PATTERN, 'must look like pay_ followed by 24 hex characters') }) },
  }, async (request) => paymentView(await payments.get(request.user, request.params.paymentId)));
};

const EVENT_OUTCOMES: Record<string, PaymentEvent['outcome']> = {
  'payment_intent.processing': 'processing',
  'payment_intent.succeeded': 'completed',
  'payment_intent.payment_failed': 'failed',
};
const processorEvent = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(Object.keys(EVENT_OUTCOMES) as [string, ...string[]]),
  data: z.object({ intent_id: z.string().min(1), reference: z.string().regex(PAYMENT_ID_PATTERN), failure_reason: z.string().max(200).optional() }),
});

/**
 * The processor's webhook: server to server, so no user token but an HMAC signature over the raw
 * body with a timestamp window. A bad signature is 401, an unknown payment 404; a repeated or late
 * event is 200 "ignored" with the reason, and changes nothing.
 */
export const paymentCallbackRoutes: FastifyPluginAsync<{ payments: PaymentService; webhookSecret: string }> = async (app, { payments, webhookSecret }) => {
  keepRawJson(app);

  app.post('/payments/callback', { schema: { summary: "The payment processor's signed webhook" }, config: { public: true } }, async (request) => {
    const { id, type, data } = verifiedBody(request, {
      secret: webhookSecret, timestampHeader: 'x-payments-timestamp', signatureHeader: 'x-payments-signature', schema: processorEvent, what: 'webhook',
    });
    return payments.applyEvent(data.reference, data.intent_id, {
      eventId: id,
      outcome: EVENT_OUTCOMES[type]!,
      failureReason: data.failure_reason ?? null,
    });
  });
};
