import type { Client } from '@temporalio/client';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import type { Config } from '../config/config.js';
import { dataKeyRingFor, parseEncryptionKeys, payloadCodecFor } from '../codec/payload-codec.js';
import { findReviewer } from '../stores/reviewers.store.js';
import { HttpError } from './http-error.js';
import { createDataProtectionService } from './data-protection.service.js';
import { dataProtectionRoutes } from './routes/data-protection.routes.js';
import { pingMongo } from '../stores/mongo.js';
import { createKycDocumentService } from './kyc-document.service.js';
import { createKycProfileService } from './kyc-profile.service.js';
import { createLivenessService } from './liveness.service.js';
import { livenessCallbackRoutes } from './routes/liveness-callback.routes.js';
import { registerAuth } from './plugins/auth.js';
import { registerDocs } from './plugins/docs.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './plugins/errors.js';
import { loggerOptions, registerRequestLogging } from './plugins/logging.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerMultipart } from './plugins/multipart.js';
import { registerRateLimit } from './plugins/rate-limit.js';
import { createPaymentService } from './payment.service.js';
import { createAdminReviewService } from './admin-review.service.js';
import { adminRoutes } from './routes/admin.routes.js';
import { reviewRoutes } from './routes/review.routes.js';
import { backOffice } from './backoffice/backoffice.plugin.js';
import { screeningAdminRoutes } from './routes/screening-admin.routes.js';
import { createScreeningAdminService } from './screening-admin.service.js';
import { appKycRoutes } from './routes/app-kyc.routes.js';
import { cardCallbackRoutes, cardRoutes } from './routes/cards.routes.js';
import { createCardService } from './card.service.js';
import { fileRoutes } from './routes/files.routes.js';
import { codecRoutes } from './routes/codec.routes.js';
import { paymentCallbackRoutes, paymentRoutes } from './routes/payments.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { kycServiceRoutes } from './routes/kyc-service.routes.js';

export interface AppDeps {
  config: Config;
  client: Client;
  db: Db;
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** The HTTP API, built from its dependencies so tests and the real server share one app. */
export async function buildApp({ config, client, db, logStream }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(config.LOG_LEVEL, logStream),
    bodyLimit: 1_048_576,
    requestTimeout: 60_000,
    frameworkErrors,
    clientErrorHandler,
    // Only named proxies may say who the client is (X-Forwarded-For); otherwise the socket's address.
    ...(config.TRUST_PROXY.trim() ? { trustProxy: config.TRUST_PROXY.split(',').map((entry) => entry.trim()).filter(Boolean) } : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  // Content-Security-Policy is for HTML; this API serves JSON (Swagger UI sets its own CSP).
  await app.register(fastifyHelmet, { contentSecurityPolicy: false });
  registerRequestLogging(app);
  app.decorate('metrics', registerMetrics(app));
  // Rate limits first: every request counts per IP, also those that fail authentication.
  await registerRateLimit(app, { perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE, writesPerUserPerMinute: config.RATE_LIMIT_WRITES_PER_USER_PER_MINUTE });
  await registerAuth(app, config);
  // A POST with no body at all (no content type) is an empty object to a route with a body schema:
  // where every field is optional, clients rightly send none (the schema still names what is missing).
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.headers['content-type'] === undefined && request.routeOptions.schema?.body) request.body = {};
  });
  // A machine admin (bearer JWT) acts under its token's `sub`; one that names a back-office reviewer
  // would decide, claim and write notes as that person, and the audit trail could not tell them apart.
  app.addHook('preHandler', async (request) => {
    if (request.user?.role === 'admin' && (await findReviewer(db, request.user.sub))) {
      throw new HttpError(403, "this token's subject is a back-office reviewer's name; a machine token acts under an id of its own");
    }
  });
  await registerDocs(app);
  await registerMultipart(app, { maxFileBytes: config.UPLOAD_MAX_IMAGE_BYTES, maxFiles: 3 });

  await app.register(healthRoutes, {
    checks: {
      temporal: () => client.workflowService.getSystemInfo({}),
      mongodb: () => pingMongo(db),
    },
  });
  await app.register(codecRoutes, { codec: payloadCodecFor(config.PAYLOAD_ENCRYPTION_KEYS, db), config });
  // Erasure destroys a subject's data keys; callbacks ask them whether a workflow's data is gone.
  const dataKeys = dataKeyRingFor(db, parseEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEYS));
  const payments = createPaymentService({ client, db, dataKeys, config });
  await app.register(paymentRoutes, { payments });
  await app.register(paymentCallbackRoutes, { payments, webhookSecret: config.PAYMENTS_WEBHOOK_SECRET });
  await app.register(appKycRoutes, { db, feeWaived: config.KYC_FEE_WAIVED });
  const cards = createCardService({ client, db, dataKeys, config });
  await app.register(cardRoutes, { cards });
  await app.register(cardCallbackRoutes, { cards, secret: config.ISSUER_WEBHOOK_SECRET });
  const profiles = createKycProfileService({ client, db, config });
  const documents = createKycDocumentService({ client, db, profiles });
  const liveness = createLivenessService({ client, db, profiles, maxVideoBytes: config.UPLOAD_MAX_VIDEO_BYTES });
  await app.register(kycServiceRoutes, { prefix: '/api/web/kycService', profiles, documents, liveness });
  await app.register(livenessCallbackRoutes, { prefix: '/api/web/kycService', liveness, secret: config.LIVENESS_CALLBACK_SECRET });
  await app.register(fileRoutes, { prefix: '/api/web/kycService', db });
  const review = createAdminReviewService({ client, db, config });
  const screening = createScreeningAdminService({ client, db, config });
  await app.register(adminRoutes, { prefix: '/admin/kyc', review, updatePath: '/update-status' });
  await app.register(reviewRoutes, { prefix: '/admin/kyc', review });
  await app.register(backOffice, { prefix: '/backoffice', config, db, review, screening });
  await app.register(adminRoutes, { prefix: '/api/web/kycService', review, updatePath: '/status/update' });
  await app.register(dataProtectionRoutes, { prefix: '/admin/kyc', service: createDataProtectionService({ client, db, dataKeys, config }) });
  await app.register(screeningAdminRoutes, { prefix: '/admin/kyc/screening', screening });
  return app;
}
