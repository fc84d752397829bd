import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import type { Config } from '../config/config.js';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../codec/payload-codec.js';
import { pingMongo } from '../stores/mongo.js';
import { createKycDocumentService } from './kyc-document.service.js';
import { createKycProfileService } from './kyc-profile.service.js';
import { registerAuth } from './plugins/auth.js';
import { registerDocs } from './plugins/docs.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerMultipart } from './plugins/multipart.js';
import { codecRoutes } from './routes/codec.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { kycServiceRoutes } from './routes/kyc-service.routes.js';

export interface AppDeps {
  config: Config;
  client: Client;
  db: Db;
}

/** The HTTP API, built from its dependencies so tests and the real server share one app. */
export async function buildApp({ config, client, db }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization'] },
    bodyLimit: 1_048_576,
    requestTimeout: 30_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await registerAuth(app, config);
  await registerDocs(app);
  await registerMultipart(app, { maxFileBytes: config.UPLOAD_MAX_IMAGE_BYTES, maxFiles: 3 });

  await app.register(healthRoutes, {
    checks: {
      temporal: () => client.workflowService.getSystemInfo({}),
      mongodb: () => pingMongo(db),
    },
  });
  await app.register(codecRoutes, { codec: new AesGcmPayloadCodec(parseEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEYS)), config });
  const profiles = createKycProfileService({ client, db, config });
  const documents = createKycDocumentService({ client, db, profiles });
  await app.register(kycServiceRoutes, { prefix: '/api/web/kycService', profiles, documents });
  return app;
}
