import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../http-error.js';

export interface RateLimits {
  perIpPerMinute: number;
  writesPerUserPerMinute: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A write route: limited per signed-in user as well as per IP. */
    writeLimited?: boolean;
  }
}

/** Route config of a write route: `{ config: writeRoute }`. */
export const writeRoute = { writeLimited: true } as const;

/**
 * Every request counts against its client IP before anything else runs (authentication, routing
 * to a 404), so floods of bad tokens or unknown paths meet a 429 too. Write routes also count
 * against the signed-in user, after authentication. Over a limit: 429 in the route's own
 * envelope, with Retry-After. Register before authentication.
 */
export async function registerRateLimit(app: FastifyInstance, limits: RateLimits): Promise<void> {
  // The plugin's store and counting only; its own per-route hooks would let one limit replace the other.
  await app.register(fastifyRateLimit, { global: false });
  const window = { timeWindow: 60_000 };
  const perIp = app.createRateLimit({ ...window, max: limits.perIpPerMinute, keyGenerator: (request) => `ip:${request.ip}` });
  const perUser = app.createRateLimit({ ...window, max: limits.writesPerUserPerMinute, keyGenerator: (request) => `user:${request.user?.sub ?? request.ip}` });

  app.addHook('onRequest', async (request, reply) => enforce(await perIp(request), reply));
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config?.writeLimited) enforce(await perUser(request), reply);
  });
}

type Verdict = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

function enforce(verdict: Verdict, reply: FastifyReply): void {
  if (verdict.isAllowed || !verdict.isExceeded) return;
  reply.header('retry-after', verdict.ttlInSeconds);
  throw new HttpError(429, `too many requests; retry in ${verdict.ttlInSeconds} s`);
}
