import fastifyFormbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import type { Config } from '../../config/config.js';
import type { AdminReviewService } from '../admin-review.service.js';
import type { ScreeningAdminService } from '../screening-admin.service.js';
import { HttpError } from '../http-error.js';
import { authRoutes } from './auth.routes.js';
import { caseRoutes } from './case.routes.js';
import { registerSessions } from './session.js';
import { renderPage } from './views.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A back-office route open without a signed-in reviewer (sign-in page, assets). */
    anonymous?: boolean;
  }
}

// Pages, their images and these two files are all the back office serves: nothing from a CDN.
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'backoffice.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./assets/backoffice.css', import.meta.url)) },
  'backoffice.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./assets/backoffice.js', import.meta.url)) },
};

const CSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The reviewers' back office under /backoffice: server-rendered pages signed in with a session
 * cookie (not the machines' bearer JWT). Every POST carries a CSRF token.
 */
export const backOffice: FastifyPluginAsync<{ config: Config; db: Db; review: AdminReviewService; screening: ScreeningAdminService }> = async (app, { config, db, review, screening }) => {
  // Sessions authenticate these routes: the API's bearer-token check skips them. They are HTML for
  // people; their JSON twins under /admin/kyc are the ones in the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
    route.schema = { ...route.schema, hide: true };
  });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await registerSessions(app, db, config);
  app.addHook('preHandler', (request, reply, done) => (request.method === 'POST' ? app.csrfProtection(request, reply, done) : done()));
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.anonymous || request.reviewer) return;
    if (request.method === 'GET') return reply.redirect(`/backoffice/login?next=${encodeURIComponent(request.url)}`, 303);
    throw new HttpError(401, 'Your session has ended; sign in again.');
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('content-security-policy', CSP);
    if (!request.url.startsWith('/backoffice/assets/')) reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((error: FastifyError, request, reply) => errorPage(error, request, reply));
  app.setNotFoundHandler((request, reply) => errorPage(new HttpError(404, 'There is no such page.'), request, reply));

  app.get('/assets/:name', { config: { anonymous: true } }, async (request, reply) => {
    const asset = ASSETS[(request.params as { name: string }).name];
    if (!asset) throw new HttpError(404, 'There is no such file.');
    return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
  });
  await app.register(authRoutes, { db, loginAttempts: config.BACKOFFICE_LOGIN_ATTEMPTS, failuresPerName: config.BACKOFFICE_LOGIN_FAILURES_PER_NAME });
  await app.register(caseRoutes, { review, screening, db });
};

const HEADINGS: Record<number, string> = { 400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'Not possible now', 429: 'Too many attempts' };

/** Errors as pages, never stack traces: the CSRF plugin's 403s get a message a reviewer can act on. */
function errorPage(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  // A form that fails its schema is the sender's mistake (routes parse safely; this is a backstop).
  const invalidForm = error instanceof ZodError;
  let status = invalidForm ? 400 : (error.statusCode ?? 500);
  let message = invalidForm ? 'The form was not filled in correctly.' : error.message;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('FST_CSRF')) message = 'This form has expired or did not come from the back office. Go back, reload the page and try again.';
  if (!request.routeOptions.url) [status, message] = [404, 'There is no such page.']; // (the API's token check answers unknown paths first)
  if (status >= 500) {
    request.log.error({ err: error }, 'back-office error');
    status = 500;
    message = 'Something went wrong on our side; the action was not completed. Try again in a moment.';
  }
  const html = renderPage('error', { reviewer: request.reviewer ?? null, csrf: '', flash: null, heading: HEADINGS[status] ?? 'Error', message });
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}
