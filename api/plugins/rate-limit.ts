import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';

export interface RateLimits {
  perIpPerMinute: number;
  writesPerUserPerMinute: number;
}

/**
 * Every route is limited per client IP; write routes (`config: { rateLimit: writeLimit(...) }`)
 * are limited per signed-in user instead, checked after authentication. Over the limit: 429 in
 * the route's own envelope, with Retry-After.
 */
export async function registerRateLimit(app: FastifyInstance, limits: RateLimits): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: true,
    max: limits.perIpPerMinute,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (request) => `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) => new HttpError(429, `too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
}

export const writeLimit = (limits: RateLimits) => ({
  max: limits.writesPerUserPerMinute,
  timeWindow: 60_000,
  keyGenerator: (request: FastifyRequest) => `user:${request.user?.sub ?? request.ip}`,
});
