import { z } from 'zod';
import { parseEncryptionKeys } from '../codec/payload-codec.js';

/**
 * The one place settings are read from the environment. Every setting has a safe local default,
 * except secrets when NODE_ENV=production. A wrong value stops start-up naming the setting.
 */
const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
const DEV_VEXORA_SECRET = 'dev-vexora-app-secret';
const DEV_PAYMENTS_SECRET = 'dev-payments-webhook-secret';
const DEV_LIVENESS_SECRET = 'dev-liveness-callback-secret';
// A fixed 32-byte key so local histories are encrypted too; refused in production.
const DEV_PAYLOAD_KEYS = `dev1:${Buffer.from('kycflow-dev-payload-key-32-bytes').toString('base64')}`;

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();
const duration = z.coerce.number().int().positive();

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
    JWT_ISSUER: z.string().min(1).default('kycflow'),
    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('kycflow'),
    MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017/'),
    MONGODB_DB: z.string().min(1).default('kycflow'),
    KYC_PROFILE_TTL_HOURS: duration.default(24 * 30),
    UPLOAD_MAX_IMAGE_BYTES: z.coerce.number().int().min(1_024).default(10 * 1_048_576),
    OCR_WORKERS: z.coerce.number().int().min(0).max(16).default(0),
    VEXORA_BASE_URL: url.default('http://127.0.0.1:4010'),
    VEXORA_MERCHANT_NO: z.string().min(1).default('M100001'),
    VEXORA_APP_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_VEXORA_SECRET),
    SIMULATOR_PORT: port.default(4010),
    PAYMENTS_BASE_URL: url.default('http://127.0.0.1:4010'),
    PAYMENTS_API_KEY: z.string().min(8).default('dev-payments-api-key'),
    PAYMENTS_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_PAYMENTS_SECRET),
    /** Where the processor (simulator) delivers webhooks: this API's `/payments/callback`. */
    PAYMENTS_WEBHOOK_URL: url.default('http://127.0.0.1:3000/payments/callback'),
    PAYMENT_TTL_MINUTES: duration.default(30),
    FEE_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default('USD'),
    FEE_KYC_MINOR: z.coerce.number().int().positive().default(500),
    FEE_VIRTUAL_MINOR: z.coerce.number().int().positive().default(1_000),
    FEE_PHYSICAL_MINOR: z.coerce.number().int().positive().default(2_500),
    /** Deployments that do not charge for KYC set this to true. */
    /** Cosine distance at or below which the document portrait and the selfie are one person (bench:face). */
    FACE_MATCH_THRESHOLD: z.coerce.number().min(0).max(2).default(0.4),
    VEXORA_POLL_INITIAL_SECONDS: duration.default(5),
    VEXORA_POLL_MAX_SECONDS: duration.default(600),
    VEXORA_DEADLINE_HOURS: duration.default(72),
    VEXORA_UNDER_REVIEW_MAX_HOURS: duration.default(24),
    UPLOAD_MAX_VIDEO_BYTES: z.coerce.number().int().min(1_024).default(30 * 1_048_576),
    /** HMAC secret of the liveness vendor's server-to-server callback. */
    LIVENESS_CALLBACK_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_LIVENESS_SECRET),
    /** Where profile events (status changes, decisions, review reminders) are posted; none when unset. */
    WEBHOOK_URL: url.optional(),
    WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-outbound-webhook-secret'),
    REVIEW_SLA_HOURS: duration.default(48),
    LIVENESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    REVIEW_RESET_WINDOW_HOURS: duration.default(24 * 7),
    ISSUER_BASE_URL: url.default('http://127.0.0.1:4010'),
    ISSUER_API_KEY: z.string().min(8).default('dev-issuer-api-key'),
    ISSUER_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-issuer-webhook-secret'),
    /** Where the issuer (simulator) sends fulfilment callbacks: this API's `/card/callback`. */
    ISSUER_WEBHOOK_URL: url.default('http://127.0.0.1:3000/card/callback'),
    /** How long `POST /card/apply` waits for the issuer before answering with the task id only. */
    CARD_APPLY_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(3_000),
    KYC_FEE_WAIVED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    /** Internal listeners for Prometheus (keep them off the public network). */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    API_METRICS_PORT: port.default(9464),
    WORKER_METRICS_PORT: port.default(9465),
    RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: z.coerce.number().int().positive().default(60),
    /** `id:base64key[,id:base64key…]`, newest first: it encrypts, all decrypt (rotation). */
    PAYLOAD_ENCRYPTION_KEYS: z
      .string()
      .default(DEV_PAYLOAD_KEYS)
      .refine((spec) => { try { parseEncryptionKeys(spec); return true; } catch { return false; } }, 'must be "<id>:<base64 of 32 bytes>[,<id>:<base64>…]"'),
    /** Origin of the Temporal UI allowed to call the codec endpoint (CORS). */
    TEMPORAL_UI_ORIGIN: z.string().default('http://127.0.0.1:8233'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.JWT_SECRET === DEV_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'must be set in production' });
    }
    if (env.PAYLOAD_ENCRYPTION_KEYS === DEV_PAYLOAD_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEYS'], message: 'must be set in production' });
    }
    if (env.LIVENESS_CALLBACK_SECRET === DEV_LIVENESS_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['LIVENESS_CALLBACK_SECRET'], message: 'must be set in production' });
    }
    if (env.PAYMENTS_WEBHOOK_SECRET === DEV_PAYMENTS_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['PAYMENTS_WEBHOOK_SECRET'], message: 'must be set in production' });
    }
    if (env.VEXORA_APP_SECRET === DEV_VEXORA_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['VEXORA_APP_SECRET'], message: 'must be set in production' });
    }
  });

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses settings; throws a ConfigError listing every bad setting by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** For process entry points: print the bad settings and exit instead of a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
}
