import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseEncryptionKeys } from '../codec/payload-codec.js';
import { DEFAULT_FACE_MODEL, FACE_DESCRIPTOR_MODELS, FACE_MODEL_SETTINGS } from '../domain/face-match.js';
import { FOUR_EYES_RULE_NAMES, type FourEyesRule } from '../domain/review.js';

/**
 * The one place settings are read from the environment, grouped by area. Every setting has a safe
 * local default; a secret's default is a public development value, so in production every secret
 * must be set, and strong (see `secretProblem`). A wrong value stops start-up naming the setting.
 *
 * Add a setting to the area it belongs to (README "Configuration" lists them the same way); declare
 * a credential with `secret()` so the production rule covers it.
 */

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();
const duration = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

/** Development values of the secrets, by setting name (public: they are in this file). */
const DEV_SECRETS = new Map<string, string>();

/** A credential: `devValue` outside production; in production it must be set, and strong. */
function secret(name: string, devValue: string, minLength: number) {
  DEV_SECRETS.set(name, devValue);
  return z.string().min(minLength, `must be at least ${minLength} characters`).default(devValue);
}

// A fixed 32-byte key so local histories are encrypted too; refused in production.
const DEV_PAYLOAD_KEY = Buffer.from('kycflow-dev-payload-key-32-bytes');

/** The API process: where it listens and what it logs. */
const server = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Addresses or CIDRs of the reverse proxies in front of the API (comma-separated): their
   * X-Forwarded-For names the client, so rate limits count real client IPs. None by default.
   */
  TRUST_PROXY: z.string().regex(/^[\w.:/,\s]*$/, 'comma-separated IP addresses or CIDRs').default(''),
  /** Internal listeners for Prometheus (keep them off the public network). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  API_METRICS_PORT: port.default(9464),
  WORKER_METRICS_PORT: port.default(9465),
  VISION_WORKER_METRICS_PORT: port.default(9466),
};

/** Bearer tokens. */
const auth = {
  JWT_SECRET: secret('JWT_SECRET', 'dev-only-jwt-secret-change-me-0123456789', 32),
  JWT_ISSUER: z.string().min(1).default('kycflow'),
  /** When set, tokens must name it in `aud` (where the token issuer also serves other services). */
  JWT_AUDIENCE: z.string().min(1).optional(),
};

/** Temporal, and the payload encryption of everything it stores. */
const temporal = {
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kycflow'),
  /** `id:base64key[,id:base64key…]`, newest first: it encrypts, all decrypt (rotation). */
  PAYLOAD_ENCRYPTION_KEYS: secret('PAYLOAD_ENCRYPTION_KEYS', `dev1:${DEV_PAYLOAD_KEY.toString('base64')}`, 1)
    .refine((spec) => { try { parseEncryptionKeys(spec); return true; } catch { return false; } }, 'must be "<id>:<base64 of 32 bytes>[,<id>:<base64>…]"'),
  /** Origin of the Temporal UI allowed to call the codec endpoint (CORS). */
  TEMPORAL_UI_ORIGIN: z.string().default('http://127.0.0.1:8233'),
  /**
   * Local development only: the codec endpoint decrypts for the UI's Origin from loopback without a
   * token (the dev UI has no login). Off unless set; refused in production.
   */
  CODEC_TRUST_LOCAL_UI: flag,
};

/** MongoDB (read models, uploaded files). */
const mongodb = {
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017/'),
  MONGODB_DB: z.string().min(1).default('kycflow'),
};

/** The KYC journey: expiry, fees, liveness, face match, provider polling, manual review. */
const kyc = {
  KYC_PROFILE_TTL_HOURS: duration.default(24 * 30),
  /** Deployments that do not charge for KYC set this to true. */
  KYC_FEE_WAIVED: flag,
  OCR_WORKERS: z.coerce.number().int().min(0).max(16).default(0),
  /** Vision tasks (OCR, face, liveness) one vision worker runs at once; 0 = one per core. */
  VISION_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(0).transform((n) => n || availableParallelism()),
  /**
   * Worker threads that score liveness clips side by side (each loads its own face models, about
   * 175 MB); 0 = one clip after another on the activity's thread. Default: 3 (a session's three
   * clips at once) on a machine with more than one core, else 0.
   */
  LIVENESS_THREADS: z.coerce.number().int().min(0).max(16).optional().transform((n) => n ?? (availableParallelism() > 1 ? 3 : 0)),
  /** The vision worker's CPU priority (nice, 0 = normal): on a shared machine, requests go first. */
  VISION_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** MRZ name confidence that approves without the visual zone's confirmation (README calibration table); 1.01 = never. */
  OCR_NAME_SURE_CONFIDENCE: z.coerce.number().min(0).max(1.01).default(0.995),
  LIVENESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** How long a liveness session stays open (seed 003: five minutes). */
  LIVENESS_SESSION_TTL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
  VEXORA_POLL_INITIAL_SECONDS: duration.default(5),
  VEXORA_POLL_MAX_SECONDS: duration.default(600),
  VEXORA_DEADLINE_HOURS: duration.default(72),
  VEXORA_UNDER_REVIEW_MAX_HOURS: duration.default(24),
  REVIEW_SLA_HOURS: duration.default(48),
  REVIEW_RESET_WINDOW_HOURS: duration.default(24 * 7),
};

/**
 * Face match and passive anti-spoofing. Distances are in the chosen model's own metric (dlib's
 * ResNet: Euclidean; the others: cosine); unset thresholds take that model's values measured by
 * `npm run bench:face`.
 */
const face = {
  FACE_DESCRIPTOR_MODEL: z.enum(FACE_DESCRIPTOR_MODELS).default(DEFAULT_FACE_MODEL),
  /** Also describe each face's mirror image and average: steadier on poor captures, twice the describing time (bench:face). */
  FACE_DESCRIPTOR_FLIP: flag,
  /** At or below: `match` (approve path). */
  FACE_MATCH_THRESHOLD: z.coerce.number().min(0).max(2).optional(),
  /** Above: `no_match` (review with a strong flag); between the two: `review`. */
  FACE_NO_MATCH_THRESHOLD: z.coerce.number().min(0).max(2).optional(),
  /** At or below: the selfie is a copy of the document portrait (presentation attack). */
  FACE_COPY_DISTANCE: z.coerce.number().min(0).max(2).optional(),
  /** Moiré peak prominence at or above which a screen replay is suspected (bench:liveness). */
  LIVENESS_MOIRE_LIMIT: z.coerce.number().positive().default(3.7),
  /** `antispoof` model score below which a face is suspected not live; 0 (default) leaves it a reported signal only. */
  LIVENESS_ANTISPOOF_MIN: z.coerce.number().min(0).max(1).default(0),
};

/** Manual review decisions and the reviewers' back office (/backoffice). */
const review = {
  /** RETRY requests allowed per step (document, liveness); one more becomes a FINAL rejection. */
  REVIEW_MAX_RETRIES_PER_STEP: z.coerce.number().int().min(0).max(10).default(2),
  /** Which high-risk rules make an approval need a second, senior reviewer (domain/review.ts). */
  REVIEW_FOUR_EYES_RULES: z.string().default('face_no_match,screening_hit').transform((spec, ctx) => {
    const rules = spec.split(',').map((r) => r.trim()).filter(Boolean);
    const unknown = rules.filter((r) => !(FOUR_EYES_RULE_NAMES as string[]).includes(r));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown rule(s) ${unknown.join(', ')}; known: ${FOUR_EYES_RULE_NAMES.join(', ')}` });
    return rules as FourEyesRule[];
  }),
  /** How long a reviewer's claim on a case lasts. */
  REVIEW_CLAIM_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Signs the back office's session cookie. */
  BACKOFFICE_SESSION_SECRET: secret('BACKOFFICE_SESSION_SECRET', 'dev-only-backoffice-session-secret-0123456789', 32),
  BACKOFFICE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  BACKOFFICE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Sign-in attempts per client IP per 15 minutes. */
  BACKOFFICE_LOGIN_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  /** Failed sign-ins per user name (from any address) per 15 minutes, before the name is refused. */
  BACKOFFICE_LOGIN_FAILURES_PER_NAME: z.coerce.number().int().min(1).default(10),
};

/** Sanctions / PEP screening and its lists (`npm run bench:screening`). */
const screening = {
  /** A hit scores at least this, 0..1 (name similarity moved by birth date and nationality). */
  SCREENING_HIT_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.94),
  /** List files the daily load reads: OFAC `sdn.xml` and/or OpenSanctions `*.ftm.json`, comma-separated. */
  SCREENING_LIST_PATHS: z.string().default('').transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean)),
  /** How often the schedule reloads the lists and re-screens approved customers against what changed. */
  SCREENING_REFRESH_HOURS: duration.default(24),
  /** Approved customers per child workflow of a monitoring run (history stays small). */
  SCREENING_MONITOR_PAGE_SIZE: z.coerce.number().int().min(100).max(20_000).default(5_000),
  /** Keys the hashes that find duplicate documents and identities without storing them in clear. */
  IDENTITY_HASH_SECRET: secret('IDENTITY_HASH_SECRET', 'dev-identity-hash-secret-change-me-0123', 32),
};

/** Fees, in minor units, and how long an unpaid payment stays open. */
const fees = {
  FEE_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  FEE_KYC_MINOR: z.coerce.number().int().positive().default(500),
  FEE_VIRTUAL_MINOR: z.coerce.number().int().positive().default(1_000),
  FEE_PHYSICAL_MINOR: z.coerce.number().int().positive().default(2_500),
  PAYMENT_TTL_MINUTES: duration.default(30),
};

/**
 * External providers and the callbacks they send us. Base URLs default to the local simulators
 * (`SIMULATOR_PORT`), webhook URLs to this API (`PORT`), so moving a port moves them too.
 */
const providers = {
  SIMULATOR_PORT: port.default(4010),
  VEXORA_BASE_URL: url.optional(),
  VEXORA_MERCHANT_NO: z.string().min(1).default('M100001'),
  VEXORA_APP_SECRET: secret('VEXORA_APP_SECRET', 'dev-vexora-app-secret', 16),
  PAYMENTS_BASE_URL: url.optional(),
  PAYMENTS_API_KEY: secret('PAYMENTS_API_KEY', 'dev-payments-api-key', 8),
  PAYMENTS_WEBHOOK_SECRET: secret('PAYMENTS_WEBHOOK_SECRET', 'dev-payments-webhook-secret', 16),
  /** Where the processor (simulator) delivers webhooks: this API's `/payments/callback`. */
  PAYMENTS_WEBHOOK_URL: url.optional(),
  ISSUER_BASE_URL: url.optional(),
  ISSUER_API_KEY: secret('ISSUER_API_KEY', 'dev-issuer-api-key', 8),
  ISSUER_WEBHOOK_SECRET: secret('ISSUER_WEBHOOK_SECRET', 'dev-issuer-webhook-secret', 16),
  /** Where the issuer (simulator) sends fulfilment callbacks: this API's `/card/callback`. */
  ISSUER_WEBHOOK_URL: url.optional(),
  /** HMAC secret of the liveness vendor's server-to-server callback. */
  LIVENESS_CALLBACK_SECRET: secret('LIVENESS_CALLBACK_SECRET', 'dev-liveness-callback-secret', 16),
  /** Where profile events (status changes, decisions, review reminders) are posted; none when unset. */
  WEBHOOK_URL: url.optional(),
  WEBHOOK_SECRET: secret('WEBHOOK_SECRET', 'dev-outbound-webhook-secret', 16),
};

/** What one client may send and how long it waits. */
const limits = {
  UPLOAD_MAX_IMAGE_BYTES: z.coerce.number().int().min(1_024).default(10 * 1_048_576),
  UPLOAD_MAX_VIDEO_BYTES: z.coerce.number().int().min(1_024).default(30 * 1_048_576),
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** How long `POST /card/apply` waits for the issuer before answering with the task id only. */
  CARD_APPLY_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(3_000),
};

/** Data protection: how long data is kept, and the daily sweep that erases it afterwards. */
const dataProtection = {
  /** Rejected, expired and cancelled profiles are erased this many days after they ended. */
  RETENTION_UNSUCCESSFUL_DAYS: duration.default(90),
  /** Approved customers are erased this many years after the relationship ended (AML record keeping). */
  RETENTION_APPROVED_YEARS: z.coerce.number().int().min(1).max(30).default(5),
  /** Images and videos of a decided profile are deleted this many days after the decision. */
  RETENTION_FILES_DAYS: duration.default(90),
  /** The worker keeps a Temporal Schedule that runs the sweep (cron, UTC); false removes it. */
  RETENTION_SWEEP_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  RETENTION_SWEEP_CRON: z.string().regex(/^\S+( \S+){4}$/, 'five cron fields, e.g. "30 2 * * *"').default('30 2 * * *'),
  /** Count and list what is due without erasing anything. */
  RETENTION_SWEEP_DRY_RUN: flag,
  RETENTION_SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
  /** How long the erasure route waits for the erasure before answering 202 (running). */
  ERASURE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(20_000),
};

const schema = z
  .object({ ...server, ...auth, ...temporal, ...mongodb, ...kyc, ...face, ...review, ...screening, ...fees, ...providers, ...limits, ...dataProtection })
  .transform(({ VEXORA_BASE_URL, PAYMENTS_BASE_URL, ISSUER_BASE_URL, PAYMENTS_WEBHOOK_URL, ISSUER_WEBHOOK_URL, ...env }) => {
    const simulators = `http://127.0.0.1:${env.SIMULATOR_PORT}`;
    const api = `http://${isWildcard(env.HOST) ? '127.0.0.1' : env.HOST}:${env.PORT}`;
    return {
      ...env,
      VEXORA_BASE_URL: VEXORA_BASE_URL ?? simulators,
      PAYMENTS_BASE_URL: PAYMENTS_BASE_URL ?? simulators,
      ISSUER_BASE_URL: ISSUER_BASE_URL ?? simulators,
      PAYMENTS_WEBHOOK_URL: PAYMENTS_WEBHOOK_URL ?? `${api}/payments/callback`,
      ISSUER_WEBHOOK_URL: ISSUER_WEBHOOK_URL ?? `${api}/card/callback`,
      ...faceSettings(env),
    };
  })
  .refine((c) => c.FACE_NO_MATCH_THRESHOLD >= c.FACE_MATCH_THRESHOLD, { path: ['FACE_NO_MATCH_THRESHOLD'], message: 'must be at least FACE_MATCH_THRESHOLD' });

/** Thresholds left unset take the chosen model's measured values. */
function faceSettings(env: { FACE_DESCRIPTOR_MODEL: (typeof FACE_DESCRIPTOR_MODELS)[number]; FACE_MATCH_THRESHOLD?: number | undefined; FACE_NO_MATCH_THRESHOLD?: number | undefined; FACE_COPY_DISTANCE?: number | undefined }) {
  const measured = FACE_MODEL_SETTINGS[env.FACE_DESCRIPTOR_MODEL];
  return {
    FACE_MATCH_THRESHOLD: env.FACE_MATCH_THRESHOLD ?? measured.match,
    FACE_NO_MATCH_THRESHOLD: env.FACE_NO_MATCH_THRESHOLD ?? measured.noMatch,
    FACE_COPY_DISTANCE: env.FACE_COPY_DISTANCE ?? measured.copy,
  };
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

export type Config = z.output<typeof schema>;

/** The names of every credential setting: each must be set, and strong, in production. */
export const SECRET_SETTINGS: readonly string[] = [...DEV_SECRETS.keys()];

/** Why a production secret is not acceptable, or undefined. `raw` is the environment's value. */
function secretProblem(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return 'must be set in production';
  if (raw !== raw.trim()) return 'has leading or trailing whitespace';
  const publicValues = [...DEV_SECRETS.values()];
  if (name === 'PAYLOAD_ENCRYPTION_KEYS') return payloadKeysProblem(raw);
  if (publicValues.some((value) => value.toLowerCase() === raw.toLowerCase())) return 'is a public development value; set a random one';
  if (isWeak(raw)) return 'too weak: use a random value (e.g. `openssl rand -hex 32`)';
  return undefined;
}

function payloadKeysProblem(spec: string): string | undefined {
  let keys: Buffer[];
  try {
    keys = [...parseEncryptionKeys(spec).keys.values()];
  } catch {
    return undefined; // the format rule already names it
  }
  if (keys.some((key) => key.equals(DEV_PAYLOAD_KEY))) return 'holds the public development key; remove it';
  if (keys.some((key) => new Set(key).size < 16)) return 'too weak: each key must be 32 random bytes (`openssl rand -base64 32`)';
  return undefined;
}

/** Few distinct characters, or one short block repeated ("aaaa…", "passwordpassword", "1234567890" × 4). */
function isWeak(value: string): boolean {
  if (new Set(value).size < 8) return true;
  for (let period = 1; period <= value.length / 2; period++) {
    if (value === value.slice(0, period).repeat(Math.ceil(value.length / period)).slice(0, value.length)) return true;
  }
  return false;
}

/** Production-only rules, on the raw environment: every secret set and strong, development conveniences off. */
function productionProblems(env: NodeJS.ProcessEnv, alreadyNamed: ReadonlySet<string>): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems = SECRET_SETTINGS.filter((name) => !alreadyNamed.has(name)).flatMap((name) => {
    const problem = secretProblem(name, env[name]);
    return problem ? [`  ${name}: ${problem}`] : [];
  });
  if (env.CODEC_TRUST_LOCAL_UI === 'true') problems.push('  CODEC_TRUST_LOCAL_UI: must not be true in production');
  return problems;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses settings; throws a ConfigError listing every bad setting by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  const issues = result.success ? [] : result.error.issues;
  const problems = [
    ...issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`),
    ...productionProblems(env, new Set(issues.map((issue) => String(issue.path[0])))),
  ];
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
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
