import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { findReviewer } from '../../stores/reviewers.store.js';
import { verifyPassword } from './passwords.js';
import { sendPage } from './views.js';

const loginForm = z.object({
  username: z.string().trim().toLowerCase().max(32).default(''),
  password: z.string().max(256).default(''),
  next: z.string().max(300).optional(),
});

/** Only back-office paths are followed after sign-in (no open redirect). */
const safeNext = (next: string | undefined): string =>
  next && /^\/backoffice\/[\w/?=&.%-]*$/.test(next) && !next.startsWith('/backoffice/login') ? next : '/backoffice/queue';

/** Sign-in (rate limited per client IP) and sign-out. */
export const authRoutes: FastifyPluginAsync<{ db: Db; loginAttempts: number }> = async (app, { db, loginAttempts }) => {
  const anonymous = { anonymous: true };
  const form = (request: FastifyRequest, reply: FastifyReply, data: { error: string | null; username: string; next: string }, status = 200) =>
    sendPage(request, reply, 'login', data, status);

  app.get('/login', { config: anonymous }, async (request, reply) => {
    if (request.reviewer) return reply.redirect('/backoffice/queue', 303);
    const next = typeof (request.query as { next?: unknown }).next === 'string' ? (request.query as { next: string }).next : '';
    return form(request, reply, { error: null, username: '', next });
  });

  app.post('/login', {
    config: { ...anonymous, rateLimit: { max: loginAttempts, timeWindow: 15 * 60_000, keyGenerator: (request) => `backoffice-login:${request.ip}` } },
  }, async (request, reply) => {
    const { username, password, next } = loginForm.parse(request.body ?? {});
    const account = username ? await findReviewer(db, username) : null;
    const valid = await verifyPassword(account && !account.disabled ? account.passwordHash : null, password);
    if (!account || !valid) {
      request.log.info({ event: 'backoffice.login.failed' }, 'back-office sign-in refused');
      return form(request, reply, { error: 'Wrong user name or password.', username, next: next ?? '' }, 401);
    }
    await request.session.regenerate(); // a fresh session id: no fixation
    request.session.reviewerId = account._id;
    request.session.signedInAt = Date.now();
    request.log.info({ event: 'backoffice.login', reviewer: account._id }, 'reviewer signed in');
    return reply.redirect(safeNext(next), 303);
  });

  app.post('/logout', { config: anonymous }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/backoffice/login', 303);
  });
};
