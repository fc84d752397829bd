import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { findReviewer } from '../../stores/reviewers.store.js';
import { verifyPassword } from './passwords.js';
import { SignInFailures } from './sign-in-failures.js';
import { sendPage } from './views.js';

const loginForm = z.object({
  username: z.string().trim().toLowerCase().max(32).default(''),
  password: z.string().max(256).default(''),
  next: z.unknown().optional(),
});

/** A back-office path to go on to after sign-in, or '' (no open redirect; nothing overlong). */
const followable = (next: unknown): string =>
  typeof next === 'string' && next.length <= 300 && /^\/backoffice\/[\w/?=&.%-]*$/.test(next) && !next.startsWith('/backoffice/login') ? next : '';

const WINDOW_MS = 15 * 60_000;

/** Sign-in (rate limited per client IP, and failures per user name) and sign-out. */
export const authRoutes: FastifyPluginAsync<{ db: Db; loginAttempts: number; failuresPerName: number }> = async (app, { db, loginAttempts, failuresPerName }) => {
  const failures = new SignInFailures({ max: failuresPerName, windowMs: WINDOW_MS });
  const anonymous = { anonymous: true };
  const form = (request: FastifyRequest, reply: FastifyReply, data: { error: string | null; username: string; next: string }, status = 200) =>
    sendPage(request, reply, 'login', data, status);

  app.get('/login', { config: anonymous }, async (request, reply) => {
    if (request.reviewer) return reply.redirect('/backoffice/queue', 303);
    // The form carries on only a `next` that sign-in will follow.
    return form(request, reply, { error: null, username: '', next: followable((request.query as { next?: unknown }).next) });
  });

  app.post('/login', {
    config: { ...anonymous, rateLimit: { max: loginAttempts, timeWindow: WINDOW_MS, keyGenerator: (request) => `backoffice-login:${request.ip}` } },
  }, async (request, reply) => {
    // A form no reviewer could have sent (an overlong or repeated field) is a failed sign-in too.
    const parsed = loginForm.safeParse(request.body ?? {});
    const { username, password } = parsed.success ? parsed.data : { username: '', password: '' };
    const next = followable(parsed.success ? parsed.data.next : undefined);
    if (username && failures.locked(username)) {
      request.log.warn({ event: 'backoffice.login.locked' }, 'back-office sign-in refused: too many failures for this name');
      return form(request, reply, { error: 'Too many failed sign-ins for this name. Try again in 15 minutes.', username, next }, 429);
    }
    const account = username ? await findReviewer(db, username) : null;
    const valid = await verifyPassword(account && !account.disabled ? account.passwordHash : null, password);
    if (!account || !valid) {
      if (username) failures.noteFailure(username);
      request.log.info({ event: 'backoffice.login.failed' }, 'back-office sign-in refused');
      return form(request, reply, { error: 'Wrong user name or password.', username, next }, 401);
    }
    failures.clear(username);
    await request.session.regenerate(); // a fresh session id: no fixation
    request.session.reviewerId = account._id;
    request.session.signedInAt = Date.now();
    request.log.info({ event: 'backoffice.login', reviewer: account._id }, 'reviewer signed in');
    return reply.redirect(next || '/backoffice/queue', 303);
  });

  app.post('/logout', { config: anonymous }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/backoffice/login', 303);
  });
};
