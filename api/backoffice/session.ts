import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession, { type SessionStore } from '@fastify/session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import type { Config } from '../../config/config.js';
import type { ReviewerRef } from '../../domain/review.js';
import { deleteSession, findReviewer, loadSession, saveSession, type BackOfficeRole } from '../../stores/reviewers.store.js';

/** Who is signed in to the back office (set on every page by `loadReviewer`). */
export interface SignedInReviewer extends ReviewerRef {
  role: BackOfficeRole;
  name: string;
}

declare module 'fastify' {
  interface Session {
    reviewerId?: string;
    signedInAt?: number;
    flash?: { kind: 'ok' | 'error'; text: string };
  }
  interface FastifyRequest {
    reviewer: SignedInReviewer | null;
  }
}

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** @fastify/session's store interface, on MongoDB, so sessions survive restarts and can be revoked. */
class MongoSessionStore implements SessionStore {
  constructor(private readonly db: Db) {}

  set(id: string, session: Parameters<SessionStore['set']>[1], done: Callback): void {
    const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>;
    const expiresAt = session.cookie.expires ? new Date(session.cookie.expires) : new Date(Date.now() + 3_600_000);
    saveSession(this.db, id, data, expiresAt).then(() => done(), done);
  }

  get(id: string, done: Parameters<SessionStore['get']>[1]): void {
    // A stored session is the JSON of one @fastify/session restores (it rebuilds the cookie itself).
    loadSession(this.db, id).then((data) => done(null, data as never), (err) => done(err));
  }

  destroy(id: string, done: Callback): void {
    deleteSession(this.db, id).then(() => done(), done);
  }
}

/**
 * Cookie sessions for the back office: HttpOnly, SameSite=Strict, Secure outside development and
 * tests, scoped to /backoffice, expiring after BACKOFFICE_SESSION_IDLE_MINUTES without a request
 * (and BACKOFFICE_SESSION_MAX_HOURS after sign-in in any case), stored server-side; CSRF tokens
 * (synchroniser pattern, secret in the session) on every POST.
 */
export async function registerSessions(app: FastifyInstance, db: Db, config: Config): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: config.BACKOFFICE_SESSION_SECRET,
    cookieName: 'kycflow_backoffice',
    cookie: {
      path: '/backoffice',
      httpOnly: true,
      sameSite: 'strict',
      secure: config.NODE_ENV === 'production',
      maxAge: config.BACKOFFICE_SESSION_IDLE_MINUTES * 60_000,
    },
    rolling: true,
    saveUninitialized: false,
    store: new MongoSessionStore(db),
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  app.decorateRequest('reviewer', null);
  app.addHook('preHandler', async (request) => {
    request.reviewer = await loadReviewer(request, db, config.BACKOFFICE_SESSION_MAX_HOURS * 3_600_000);
  });
}

/**
 * The session's reviewer, read afresh from the accounts on every request: a disabled account, a
 * changed password or an old sign-in ends the session at once.
 */
async function loadReviewer(request: FastifyRequest, db: Db, maxAgeMs: number): Promise<SignedInReviewer | null> {
  const { reviewerId, signedInAt } = request.session;
  if (!reviewerId || !signedInAt) return null;
  const account = await findReviewer(db, reviewerId);
  const stale = !account || account.disabled || signedInAt < account.passwordChangedAt.getTime() || Date.now() - signedInAt > maxAgeMs;
  if (stale) {
    await request.session.destroy();
    return null;
  }
  return { id: account._id, role: account.role, name: account.name };
}
