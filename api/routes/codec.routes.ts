import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { PayloadErasedError, UnreadablePayloadError } from '../../codec/payload-codec.js';
import { HttpError } from '../http-error.js';
import { assertAdmin, authenticate } from '../plugins/auth.js';

/**
 * Temporal's remote codec protocol (`POST /codec/encode|decode` with `{payloads: [{metadata, data}]}`,
 * base64 values), so the Temporal UI and CLI can show decrypted payloads to admins.
 *
 * Every request needs an admin token, except with CODEC_TRUST_LOCAL_UI (local development only,
 * refused in production): the dev UI has no login to pass a token, so a request straight from
 * loopback (no proxy headers) with the UI's Origin is served without one.
 */
const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') })).max(1_000),
});
type WirePayloads = z.infer<typeof wirePayloads>;

const fromWire = ({ payloads }: WirePayloads) =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  }));

const toWire = (payloads: Awaited<ReturnType<PayloadCodec['encode']>>): WirePayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  })),
});

export const codecRoutes: FastifyPluginAsync<{ codec: PayloadCodec; config: Pick<Config, 'CODEC_TRUST_LOCAL_UI' | 'TEMPORAL_UI_ORIGIN'> }> = async (app, { codec, config }) => {
  const isLoopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
  const viaProxy = (request: FastifyRequest) => request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  const fromDevUi = (request: FastifyRequest) =>
    config.CODEC_TRUST_LOCAL_UI && request.headers.origin === config.TEMPORAL_UI_ORIGIN && isLoopback(request.socket.remoteAddress ?? '') && !viaProxy(request);

  function cors(reply: FastifyReply): void {
    reply.header('access-control-allow-origin', config.TEMPORAL_UI_ORIGIN);
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'origin');
  }

  for (const op of ['encode', 'decode'] as const) {
    app.options(`/codec/${op}`, { schema: { hide: true }, config: { public: true } }, async (_request, reply) => {
      cors(reply);
      return reply.status(204).send();
    });
    app.post(`/codec/${op}`, { schema: { summary: `Temporal remote codec: ${op} payloads (admin)` }, config: { public: true } }, async (request, reply) => {
      cors(reply);
      if (!fromDevUi(request)) {
        await authenticate(request);
        assertAdmin(request);
      }
      const body = wirePayloads.safeParse(request.body);
      if (!body.success) throw new HttpError(400, 'expected {"payloads":[{"metadata":{…},"data":"<base64>"}]}');
      try {
        const payloads = fromWire(body.data);
        return toWire(op === 'encode' ? await codec.encode(payloads) : await decodeShowingErasure(codec, payloads));
      } catch (err) {
        // Our own words only: the request's key ids and the cipher's text are not echoed back.
        if (err instanceof UnreadablePayloadError) throw new HttpError(400, `cannot ${op}: ${err.message}`);
        throw err;
      }
    });
  }
};

/**
 * Decodes each payload; one whose data key an erasure destroyed is answered as a JSON note saying
 * so (the UI shows it in place of the content), the others as usual.
 */
async function decodeShowingErasure(codec: PayloadCodec, payloads: Payload[]): Promise<Payload[]> {
  return Promise.all(payloads.map(async (payload) => {
    try {
      return (await codec.decode([payload]))[0]!;
    } catch (err) {
      if (!(err instanceof PayloadErasedError)) throw err;
      const note = { erased: true, erasedAt: err.erasedAt.toISOString(), message: 'erased: the data key of this subject was destroyed; the content can no longer be read' };
      return { metadata: { encoding: Buffer.from('json/plain'), 'kycflow-erased': Buffer.from('true') }, data: Buffer.from(JSON.stringify(note)) };
    }
  }));
}
