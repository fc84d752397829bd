import { Connection } from '@temporalio/client';
import { mkdirSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { spawnService, waitUntilReady, type Service } from './processes.js';
import { ensureMongoServer, ensureTemporalCli } from './tools.js';

export interface TemporalServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file for persistent state; in memory when omitted. */
  dbFile?: string;
  headless?: boolean;
  /** Codec server the UI uses to show decrypted payloads. */
  codecEndpoint?: string;
  logFile?: string;
}

const searchAttributeFlags = (): string[] =>
  CUSTOM_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key.type)}`]);

// The CLI spells types as Keyword, Text, Int…; the SDK as KEYWORD, TEXT, INT…
const cliType = (type: string): string => ({ KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' })[type] ?? type;

/** `temporal server start-dev` with the project's search attributes; resolves once it serves gRPC. */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<Service> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', 'default', '--log-level', 'error', ...searchAttributeFlags()];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  if (opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  const service = spawnService('temporal', ensureTemporalCli(), args, { logFile: opts.logFile });
  await waitUntilReady(service, async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${opts.port}`, connectTimeout: 1_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
    } finally {
      await connection.close();
    }
  });
  return service;
}

export interface MongoServerOptions {
  port: number;
  dataDir: string;
  logFile?: string;
  /** FerretDB only: a PostgreSQL database to store in instead of SQLite files (bench:ferretdb). */
  postgresqlUrl?: string;
}

/** `mongod` if the machine has one, else FerretDB v1 on SQLite; resolves once it answers a ping. */
export async function startMongoServer(opts: MongoServerOptions): Promise<{ service: Service; url: string }> {
  mkdirSync(opts.dataDir, { recursive: true });
  const server = ensureMongoServer();
  const listen = `127.0.0.1:${opts.port}`;
  const args = server.kind === 'mongod'
    ? ['--bind_ip', '127.0.0.1', '--port', String(opts.port), '--dbpath', opts.dataDir, '--quiet']
    : [
        ...(opts.postgresqlUrl ? ['--handler=postgresql', `--postgresql-url=${opts.postgresqlUrl}`] : ['--handler=sqlite', `--sqlite-url=file:${opts.dataDir}/`]),
        `--listen-addr=${listen}`, `--state-dir=${opts.dataDir}`, '--telemetry=disable', '--debug-addr=-', '--log-level=error',
      ];
  const service = spawnService(server.kind, server.path, args, { logFile: opts.logFile });
  const url = `mongodb://${listen}/`;
  await waitUntilReady(service, () => pingMongoUrl(url));
  return { service, url };
}

export async function pingMongoUrl(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
