import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { VEXORA_OK, vexoraSign, VexoraAuthStatus, type VexoraResponse } from '../domain/vexora.js';

/**
 * A stand-in for Vexora's KYC API that speaks seed 002's protocol: `merchantNo` header, MD5-signed
 * body, timestamp window, `{code, msg, success, timestamp, data}` envelope. Outcomes are scripted
 * per userId through `/_simulator/vexora/scenarios` (not part of Vexora's API).
 *
 * `POST /v1/vexora/kycApply` is ours: seed 002 documents only the status query, so this is the
 * smallest application call that makes a user known (same headers, signing and envelope).
 */
export interface VexoraSimulatorOptions {
  merchantNo: string;
  appSecret: string;
  timestampWindowMs?: number;
}

const scenarioSchema = z.object({
  userId: z.string().min(1),
  outcome: z.enum(['approve', 'reject', 'review']).default('approve'),
  /** Answer "under review" (1) for this many polls before the outcome. */
  afterPolls: z.number().int().min(0).default(0),
  failReason: z.string().optional(),
  /** Answer HTTP 500 to this many polls first (provider outage). */
  errorPolls: z.number().int().min(0).default(0),
  /** Delay every answer by this long (a slow or hanging provider). */
  hangMs: z.number().int().min(0).max(120_000).default(0),
});
type Scenario = z.infer<typeof scenarioSchema>;

interface Application {
  scenario: Scenario;
  polls: number;
}

const signedBody = z.object({ userId: z.string().min(1), timestamp: z.string().regex(/^\d{13}$/), sign: z.string().regex(/^[0-9a-f]{32}$/) }).passthrough();

/** A standalone Vexora simulator (tests); `simulators/main.ts` mounts the plugin next to the others. */
export function buildVexoraSimulator(opts: VexoraSimulatorOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  void app.register(vexoraSimulator, opts);
  return app;
}

export const vexoraSimulator: FastifyPluginAsync<VexoraSimulatorOptions> = async (app, opts) => {
  const window = opts.timestampWindowMs ?? 5 * 60_000;
  const scenarios = new Map<string, Scenario>();
  const applications = new Map<string, Application>();

  const envelope = <T>(code: string, msg: string, data: T | null = null): VexoraResponse<T> =>
    ({ code, msg, success: code === VEXORA_OK, timestamp: String(Date.now()), data });

  /** Checks merchant, body shape, timestamp window and signature; answers the error itself. */
  function authenticate(headers: Record<string, unknown>, body: unknown, reply: FastifyReply): z.infer<typeof signedBody> | undefined {
    if (headers.merchantno !== opts.merchantNo) return void reply.send(envelope('1001', 'invalid merchantNo'));
    const parsed = signedBody.safeParse(body);
    if (!parsed.success) return void reply.send(envelope('1004', 'userId, timestamp (ms) and sign are required'));
    if (Math.abs(Date.now() - Number(parsed.data.timestamp)) > window) return void reply.send(envelope('1003', 'timestamp outside the allowed window'));
    if (vexoraSign(parsed.data, opts.appSecret) !== parsed.data.sign) return void reply.send(envelope('1002', 'invalid sign'));
    return parsed.data;
  }

  app.post('/_simulator/vexora/scenarios', async (request, reply) => {
    const scenario = scenarioSchema.safeParse(request.body);
    if (!scenario.success) return reply.status(400).send({ error: scenario.error.message });
    scenarios.set(scenario.data.userId, scenario.data);
    return { ok: true };
  });

  app.post('/v1/vexora/kycApply', async (request, reply) => {
    const body = authenticate(request.headers, request.body, reply);
    if (!body) return reply;
    const scenario = scenarios.get(body.userId) ?? scenarioSchema.parse({ userId: body.userId });
    applications.set(body.userId, { scenario, polls: 0 });
    return envelope(VEXORA_OK, 'success', { authenticationStatus: VexoraAuthStatus.PENDING });
  });

  app.post('/v1/vexora/kycStatusQuery', async (request, reply) => {
    const body = authenticate(request.headers, request.body, reply);
    if (!body) return reply;
    const application = applications.get(body.userId);
    if (!application) return envelope('1005', 'no KYC application for this userId');
    const { scenario } = application;
    application.polls += 1;
    if (scenario.hangMs) await new Promise((r) => setTimeout(r, scenario.hangMs));
    if (application.polls <= scenario.errorPolls) return reply.status(500).send(envelope('9999', 'internal error'));
    const answered = application.polls - scenario.errorPolls;
    if (scenario.outcome === 'review' || answered <= scenario.afterPolls) {
      return envelope(VEXORA_OK, 'success', { authenticationStatus: VexoraAuthStatus.UNDER_REVIEW });
    }
    if (scenario.outcome === 'reject') {
      return envelope(VEXORA_OK, 'success', { authenticationStatus: VexoraAuthStatus.REJECTED, failReason: scenario.failReason ?? 'document could not be verified' });
    }
    return envelope(VEXORA_OK, 'success', { authenticationStatus: VexoraAuthStatus.APPROVED });
  });
};
