import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { isReservedUserId, USER_ID_PATTERN } from '../../domain/ids.js';
import { HttpError } from '../http-error.js';

/**
 * Bearer JWT (HS256, `sub` = user id, `role` user | admin) on every route unless the route says
 * `config: { public: true }`. Secure by default: a new route is authenticated without extra code.
 * A token must carry `iss` (= JWT_ISSUER) and `exp`; `exp`, `nbf` and `iat` get 30 s of clock skew.
 */
const CLOCK_TOLERANCE_MS = 30_000;
const claimsSchema = z.object({
  sub: z.string().regex(USER_ID_PATTERN).refine((sub) => !isReservedUserId(sub)),
  role: z.enum(['user', 'admin']),
  iat: z.number().optional(),
});
export type AuthClaims = Omit<z.infer<typeof claimsSchema>, 'iat'>;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AuthClaims;
    user: AuthClaims;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export async function registerAuth(app: FastifyInstance, config: Pick<Config, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>): Promise<void> {
  const aud = config.JWT_AUDIENCE;
  await app.register(fastifyJwt, {
    secret: config.JWT_SECRET,
    sign: { algorithm: 'HS256', iss: config.JWT_ISSUER, expiresIn: '1h', ...(aud ? { aud } : {}) },
    // fast-jwt counts the tolerance in milliseconds.
    verify: {
      algorithms: ['HS256'], allowedIss: config.JWT_ISSUER, clockTolerance: CLOCK_TOLERANCE_MS,
      ...(aud ? { allowedAud: aud, requiredClaims: ['iss', 'exp', 'aud'] } : { requiredClaims: ['iss', 'exp'] }),
    },
  });
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.config?.public) await authenticate(request);
  });
}

/** Verifies the bearer token and sets `request.user`; 401 otherwise. */
export async function authenticate(request: FastifyRequest): Promise<void> {
  try {
    await request.jwtVerify();
  } catch {
    throw new HttpError(401, 'missing, invalid or expired bearer token');
  }
  const claims = claimsSchema.safeParse(request.user);
  if (!claims.success) throw new HttpError(401, 'token lacks a valid sub or role');
  const { iat, ...user } = claims.data;
  if (iat !== undefined && iat * 1_000 > Date.now() + CLOCK_TOLERANCE_MS) throw new HttpError(401, 'token issued in the future');
  request.user = user;
}

export function assertAdmin(request: FastifyRequest): void {
  if (!isAdmin(request)) throw new HttpError(403, 'this route needs the admin role');
}

export const isAdmin = (request: FastifyRequest): boolean => request.user.role === 'admin';

/** Users act only for themselves; admins for anyone. */
export function assertSelfOrAdmin(request: FastifyRequest, userId: string): void {
  if (request.user.sub !== userId && !isAdmin(request)) {
    throw new HttpError(403, 'userId must be the signed-in user');
  }
}
