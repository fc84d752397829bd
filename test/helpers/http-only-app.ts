import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { Writable } from 'node:stream';
import { buildApp } from '../../api/app.js';
import { signAccessToken } from '../../api/tokens.js';
import { loadConfig, type Config } from '../../config/config.js';

/** Captures an app's log lines. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  get text() {
    return this.lines.join('\n');
  }
}

/** Stands in for Temporal and MongoDB where a test exercises only the HTTP layer: any use fails loudly. */
const unreachable = <T extends object>(what: string): T =>
  new Proxy({} as T, { get: (_target, prop) => { throw new Error(`this HTTP-layer test reached ${what} (.${String(prop)})`); } });

/**
 * The real Fastify app (plugins, auth, rate limits, error envelopes, docs) for tests of the HTTP
 * layer alone, driven with `app.inject`: no servers needed.
 */
export async function buildHttpOnlyApp(env: Record<string, string> = {}): Promise<{ app: FastifyInstance; config: Config; logs: LogCapture; token: (sub: string, role?: 'user' | 'admin') => string }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env });
  const logs = new LogCapture();
  const app = await buildApp({ config, client: unreachable<Client>('Temporal'), db: unreachable<Db>('MongoDB'), logStream: logs });
  await app.ready();
  return { app, config, logs, token: (sub, role = 'user') => signAccessToken(config, { sub, role }) };
}
