import type { FastifyPluginAsync } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { signBody } from '../domain/hmac-signature.js';

/**
 * A stand-in for the card-fee payment processor, speaking a small Stripe-like protocol over HTTP:
 * `POST /v1/payment-intents` (Bearer API key, `Idempotency-Key` header) creates an intent with a
 * checkout URL; when the user pays (`/checkout/{id}`, or `POST /_simulator/payment-intents/{id}/pay`
 * in tests) it delivers signed webhooks (`x-payments-timestamp`, `x-payments-signature` =
 * hex HMAC-SHA256 of "<timestamp>.<body>") to the configured URL, retrying on failure.
 */
export interface PaymentsSimulatorOptions {
  apiKey: string;
  webhookSecret: string;
  /** Where webhooks go: the API's `/payments/callback`. */
  webhookUrl: () => string;
  publicBaseUrl: string;
}

interface Intent {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  description: string;
  status: 'requires_payment' | 'processing' | 'succeeded' | 'failed';
}

const intentBody = z.object({
  reference: z.string().min(1).max(64),
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  description: z.string().max(200).default(''),
});
const payBody = z.object({
  outcome: z.enum(['succeed', 'fail']).default('succeed'),
  failureReason: z.string().max(200).optional(),
  /** Send a `processing` event first, as card networks often do. */
  processing: z.boolean().default(false),
});

export const paymentsSimulator: FastifyPluginAsync<PaymentsSimulatorOptions> = async (app, opts) => {
  const intents = new Map<string, Intent>();
  const byIdempotencyKey = new Map<string, string>();

  async function deliver(intent: Intent, type: string, failureReason?: string): Promise<number> {
    const body = JSON.stringify({
      id: `evt_${randomBytes(8).toString('hex')}`,
      type,
      created: Date.now(),
      data: { intent_id: intent.id, reference: intent.reference, amount: intent.amount, currency: intent.currency, ...(failureReason ? { failure_reason: failureReason } : {}) },
    });
    let status = 0;
    for (let attempt = 0; attempt < 3 && !(status >= 200 && status < 300); attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      const timestamp = String(Date.now());
      status = await fetch(opts.webhookUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-payments-timestamp': timestamp, 'x-payments-signature': signBody(opts.webhookSecret, timestamp, body) },
        body,
      }).then((res) => res.status, () => 0);
    }
    return status;
  }

  async function pay(intent: Intent, outcome: z.infer<typeof payBody>) {
    const delivered: number[] = [];
    if (outcome.processing) {
      intent.status = 'processing';
      delivered.push(await deliver(intent, 'payment_intent.processing'));
    }
    intent.status = outcome.outcome === 'succeed' ? 'succeeded' : 'failed';
    delivered.push(outcome.outcome === 'succeed'
      ? await deliver(intent, 'payment_intent.succeeded')
      : await deliver(intent, 'payment_intent.payment_failed', outcome.failureReason ?? 'card declined'));
    return delivered;
  }

  app.post('/v1/payment-intents', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${opts.apiKey}`) return reply.status(401).send({ error: 'invalid API key' });
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return reply.status(400).send({ error: 'Idempotency-Key header required' });
    const existing = byIdempotencyKey.get(key);
    if (existing) return reply.status(200).send(view(intents.get(existing)!));
    const body = intentBody.safeParse(request.body);
    if (!body.success) return reply.status(400).send({ error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const intent: Intent = { id: `pi_${randomBytes(10).toString('hex')}`, status: 'requires_payment', ...body.data };
    intents.set(intent.id, intent);
    byIdempotencyKey.set(key, intent.id);
    return reply.status(201).send(view(intent));
  });

  app.post<{ Params: { id: string } }>('/_simulator/payment-intents/:id/pay', async (request, reply) => {
    const intent = intents.get(request.params.id);
    if (!intent) return reply.status(404).send({ error: 'unknown payment intent' });
    const outcome = payBody.safeParse(request.body ?? {});
    if (!outcome.success) return reply.status(400).send({ error: outcome.error.message });
    return { delivered: await pay(intent, outcome.data) };
  });

  // A minimal checkout page, so the local stack can be paid by hand in a browser.
  app.get<{ Params: { id: string } }>('/checkout/:id', async (request, reply) => {
    const intent = intents.get(request.params.id);
    if (!intent) return reply.status(404).type('text/html').send('<p>Unknown payment</p>');
    return reply.type('text/html').send(`<!doctype html><title>Pay ${intent.description}</title>
<h1>${(intent.amount / 100).toFixed(2)} ${intent.currency} — ${intent.description}</h1>
<form method="post" action="/checkout/${intent.id}/succeed"><button>Pay</button></form>
<form method="post" action="/checkout/${intent.id}/fail"><button>Decline</button></form>`);
  });
  app.post<{ Params: { id: string; outcome: string } }>('/checkout/:id/:outcome', async (request, reply) => {
    const intent = intents.get(request.params.id);
    if (!intent || !['succeed', 'fail'].includes(request.params.outcome)) return reply.status(404).send('not found');
    await pay(intent, payBody.parse({ outcome: request.params.outcome }));
    return reply.type('text/html').send(`<p>Payment ${intent.status}.</p>`);
  });

  const view = (intent: Intent) => ({ ...intent, checkout_url: `${opts.publicBaseUrl}/checkout/${intent.id}` });
};
