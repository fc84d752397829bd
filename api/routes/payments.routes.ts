import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkSignature } from '../../domain/hmac-signature.js';
import { PAYMENT_ID_PATTERN, PAYMENT_TYPES, type PaymentEvent } from '../../domain/payments.js';
import { HttpError } from '../http-error.js';
import { paymentView, type PaymentService } from '../payment.service.js';

/** Fee payments for the signed-in user (seed 000's `{error, details}` envelope on errors). */
export const paymentRoutes: FastifyPluginAsyncZod<{ payments: PaymentService; writeLimit: object }> = async (app, { payments, writeLimit }) => {
  app.post('/payments', {
    schema: {
      body: z.object({ type: z.enum(PAYMENT_TYPES) }),
      headers: z.object({ 'idempotency-key': z.string().regex(/^[\w.:-]{8,128}$/, '8 to 128 letters, digits, _ . : -').optional() }),
    },
    config: { rateLimit: writeLimit },
  }, async (request, reply) => {
    const { payment, created } = await payments.create(request.user, request.body.type, request.headers['idempotency-key']);
    return reply.status(created ? 201 : 200).send(paymentView(payment));
  });

  app.get('/payments/:paymentId', {
    schema: { params: z.object({ paymentId: z.string().regex(PAYMENT_ID_PATTERN, 'must look like pay_ followed by 24 hex characters') }) },
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
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/payments/callback', { config: { public: true } }, async (request) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
    const verdict = checkSignature(webhookSecret, { timestamp: header('x-payments-timestamp'), signature: header('x-payments-signature') }, raw, Date.now());
    if (verdict !== 'ok') throw new HttpError(401, `webhook signature ${verdict}`);
    let parsed;
    try {
      parsed = processorEvent.safeParse(JSON.parse(raw));
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    if (!parsed.success) throw new HttpError(400, `unexpected event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { id, type, data } = parsed.data;
    return payments.applyEvent(data.reference, data.intent_id, {
      eventId: id,
      outcome: EVENT_OUTCOMES[type]!,
      failureReason: data.failure_reason ?? null,
    });
  });
};
