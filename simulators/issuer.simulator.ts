import type { FastifyPluginAsync } from 'fastify';
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { signBody } from '../domain/hmac-signature.js';

/**
 * A stand-in for the card issuer, over HTTP: `POST /v1/cards` (Bearer API key, `Idempotency-Key`:
 * the same key always answers the same card, so a retried request never makes a second one),
 * `GET /v1/cards/{id}` (asynchronous issuance ends `pending` → `active`), and for physical cards
 * signed fulfilment callbacks (`x-issuer-timestamp`, `x-issuer-signature` = hex HMAC-SHA256 of
 * "<timestamp>.<body>"). Tests script it through `/_simulator/issuer/*` (not part of the protocol).
 */
export interface IssuerSimulatorOptions {
  apiKey: string;
  webhookSecret: string;
  webhookUrl: () => string;
}

interface Card {
  id: number;
  reference: string;
  physical: boolean;
  status: 'pending' | 'active';
  pan_last4: string;
}

const scriptSchema = z.object({
  /** Answer 503 to this many create requests first. */
  transientFailures: z.number().int().min(0).default(0),
  /** Refuse every create request (422). */
  permanent: z.boolean().default(false),
  /** Issue asynchronously: `pending` until it is fetched once. */
  async: z.boolean().default(false),
  /** Record the card, then wait this long before answering (a slow issuer, or a client that dies). */
  delayMs: z.number().int().min(0).max(120_000).default(0),
});
const createBody = z.object({ reference: z.string().min(1).max(64), physical: z.boolean(), name_on_card: z.string().optional() }).passthrough();

export const issuerSimulator: FastifyPluginAsync<IssuerSimulatorOptions> = async (app, opts) => {
  let script = scriptSchema.parse({});
  const cards = new Map<number, Card>();
  const byKey = new Map<string, number>();
  let nextId = 100;

  app.post('/_simulator/issuer/script', async (request) => {
    script = scriptSchema.parse(request.body ?? {});
    return script;
  });
  app.get('/_simulator/issuer/cards', async () => [...cards.values()]);

  app.post('/v1/cards', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${opts.apiKey}`) return reply.status(401).send({ error: 'invalid API key' });
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return reply.status(400).send({ error: 'Idempotency-Key header required' });
    const known = byKey.get(key);
    if (known !== undefined) return reply.status(200).send(cards.get(known));
    if (script.transientFailures > 0) {
      script.transientFailures -= 1;
      return reply.status(503).send({ error: 'issuer temporarily unavailable' });
    }
    if (script.permanent) return reply.status(422).send({ error: 'card product not available for this cardholder' });
    const body = createBody.safeParse(request.body);
    if (!body.success) return reply.status(400).send({ error: body.error.message });
    const card: Card = { id: nextId++, reference: body.data.reference, physical: body.data.physical, status: script.async ? 'pending' : 'active', pan_last4: String(randomInt(0, 10_000)).padStart(4, '0') };
    cards.set(card.id, card);
    byKey.set(key, card.id);
    if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
    return reply.status(card.status === 'pending' ? 202 : 201).send(card);
  });

  app.get<{ Params: { id: string } }>('/v1/cards/:id', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${opts.apiKey}`) return reply.status(401).send({ error: 'invalid API key' });
    const card = cards.get(Number(request.params.id));
    if (!card) return reply.status(404).send({ error: 'unknown card' });
    const answer = { ...card };
    card.status = 'active'; // asynchronous issuance completes after the first look
    return answer;
  });

  app.post<{ Params: { id: string } }>('/_simulator/issuer/cards/:id/fulfil', async (request, reply) => {
    const card = cards.get(Number(request.params.id));
    const stage = z.enum(['EMBOSSED', 'SHIPPED', 'DELIVERED']).safeParse((request.body as { stage?: string } | undefined)?.stage);
    if (!card || !stage.success) return reply.status(404).send({ error: 'unknown card or stage' });
    const body = JSON.stringify({ event_id: `evt_${randomBytes(8).toString('hex')}`, card_id: card.id, reference: card.reference, stage: stage.data });
    const timestamp = String(Date.now());
    const res = await fetch(opts.webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-issuer-timestamp': timestamp, 'x-issuer-signature': signBody(opts.webhookSecret, timestamp, body) },
      body,
    });
    return { delivered: res.status };
  });
};
