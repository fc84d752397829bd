import type { FastifyPluginAsync } from 'fastify';

export interface ReadinessChecks {
  temporal: () => Promise<unknown>;
  mongodb: () => Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (err) {
    return `unreachable: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness and readiness probes; public so orchestrators can call them without a token. */
export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessChecks }> = async (app, { checks }) => {
  app.get('/healthz', { schema: { summary: 'The process is up' }, config: { public: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { summary: 'Temporal and MongoDB answer (503 naming the one that does not)' }, config: { public: true } }, async (_request, reply) => {
    const [temporal, mongodb] = await Promise.all([check(checks.temporal), check(checks.mongodb)]);
    const ready = temporal === 'ok' && mongodb === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: { temporal, mongodb } });
  });
};
