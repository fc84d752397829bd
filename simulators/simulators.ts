import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { issuerSimulator } from './issuer.simulator.js';
import { paymentsSimulator } from './payments.simulator.js';
import { vexoraSimulator } from './vexora.simulator.js';

/** Every provider simulator on one HTTP server (each under its own paths). */
export async function buildSimulators(
  config: Pick<Config, 'VEXORA_MERCHANT_NO' | 'VEXORA_APP_SECRET' | 'PAYMENTS_API_KEY' | 'PAYMENTS_WEBHOOK_SECRET' | 'PAYMENTS_WEBHOOK_URL' | 'PAYMENTS_BASE_URL' | 'ISSUER_API_KEY' | 'ISSUER_WEBHOOK_SECRET' | 'ISSUER_WEBHOOK_URL'>,
  overrides: { webhookUrl?: () => string; issuerWebhookUrl?: () => string } = {},
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(vexoraSimulator, { merchantNo: config.VEXORA_MERCHANT_NO, appSecret: config.VEXORA_APP_SECRET });
  await app.register(paymentsSimulator, {
    apiKey: config.PAYMENTS_API_KEY,
    webhookSecret: config.PAYMENTS_WEBHOOK_SECRET,
    webhookUrl: overrides.webhookUrl ?? (() => config.PAYMENTS_WEBHOOK_URL),
    publicBaseUrl: config.PAYMENTS_BASE_URL,
  });
  await app.register(issuerSimulator, {
    apiKey: config.ISSUER_API_KEY,
    webhookSecret: config.ISSUER_WEBHOOK_SECRET,
    webhookUrl: overrides.issuerWebhookUrl ?? (() => config.ISSUER_WEBHOOK_URL),
  });
  return app;
}
