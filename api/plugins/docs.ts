import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * The groups of `/docs`, in order, and which routes fall in each (first match wins). Each route
 * gives its one-line `summary` in its own schema.
 */
export const API_TAGS: ReadonlyArray<{ name: string; description: string; routes: RegExp }> = [
  { name: 'app KYC', description: 'The mobile app\'s view of KYC (seed 000): eligibility and status', routes: /^\/(kyc\/eligibility|didit\/status)$/ },
  { name: 'callbacks', description: 'Server-to-server callbacks of providers, HMAC-signed (no user token)', routes: /^\/(payments\/callback|card\/callback|api\/web\/kycService\/callback\/)/ },
  { name: 'data protection', description: 'Erasure on request, the erasure log and the data export of a user; admin role', routes: /^\/admin\/kyc\/users\// },
  { name: 'admin', description: 'Manual review (seed 003 admin side); admin role', routes: /^\/(admin\/kyc\/|api\/web\/kycService\/(list|detail\/|status\/update))/ },
  { name: 'liveness', description: 'Liveness sessions and their videos (seed 003)', routes: /^\/api\/web\/kycService\/liveness\// },
  { name: 'KYC service', description: 'A KYC profile and its document (seed 003)', routes: /^\/api\/web\/kycService\// },
  { name: 'payments', description: 'Fee payments for KYC and cards', routes: /^\/payments/ },
  { name: 'cards', description: 'Card applications and issued cards (seed 001)', routes: /^\/(cards$|card\/)/ },
  { name: 'ops', description: 'Health, readiness and the Temporal codec endpoint', routes: /^\/(healthz|readyz|codec\/)/ },
];

const tagOf = (url: string): string | undefined => API_TAGS.find((tag) => tag.routes.test(url))?.name;

/**
 * OpenAPI generated from the routes' zod schemas; Swagger UI at /docs (public: it holds no data).
 * Routes are grouped by tag; CORS preflights (OPTIONS) and HEAD twins are left out.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'kycflow API', version: '0.1.0', description: 'KYC verification and card issuance as durable Temporal workflows' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
      tags: API_TAGS.map(({ name, description }) => ({ name, description })),
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true };
    const tag = tagOf(route.url);
    if (tag && !route.schema?.tags) route.schema = { ...route.schema, tags: [tag] };
    if (route.method === 'OPTIONS') route.schema = { ...route.schema, hide: true };
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
