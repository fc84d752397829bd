import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnService, waitUntilReady, type Service } from './processes.js';
import { ToolError } from './tools.js';

/**
 * A throwaway PostgreSQL server from Debian's `postgresql` package (for evaluating FerretDB's
 * PostgreSQL backend: `npm run bench:ferretdb`). PostgreSQL refuses to run as root, so as root it
 * runs as the package's `postgres` user, in a data folder that user owns.
 */
export interface PostgresServer {
  service: Service;
  url: (database: string) => string;
}

function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  const path = version && join(root, version, 'bin', name);
  if (!path || !existsSync(path)) throw new ToolError(`PostgreSQL's ${name} not found: install Debian's postgresql package (apt-get install postgresql)`);
  return path;
}

const asRoot = process.getuid?.() === 0;
/** The command line, run as `postgres` when we are root. */
const asServerUser = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);

export async function startPostgres(opts: { port: number; dataDir: string; logFile?: string }): Promise<PostgresServer> {
  mkdirSync(opts.dataDir, { recursive: true });
  if (asRoot) {
    const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pg.status !== 0) throw new ToolError('running as root needs the postgres user of Debian\'s postgresql package');
    chownSync(opts.dataDir, Number(pg.stdout), Number(gid.stdout));
  }
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    const [cmd, args] = asServerUser(postgresBin('initdb'), ['-D', opts.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const init = spawnSync(cmd, args, { encoding: 'utf8' });
    if (init.status !== 0) throw new ToolError(`initdb failed: ${init.stderr || init.stdout}`);
  }
  // Throwaway data: no fsync. The socket goes in the data folder (its owner can write there).
  const [cmd, args] = asServerUser(postgresBin('postgres'), ['-D', opts.dataDir, '-p', String(opts.port), '-k', opts.dataDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const service = spawnService('postgresql', cmd, args, { logFile: opts.logFile });
  const createdb = postgresBin('createdb');
  await waitUntilReady(service, async () => {
    const ready = spawnSync(postgresBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(opts.port)]);
    if (ready.status !== 0) throw new Error('not accepting connections yet');
  });
  return {
    service,
    url: (database) => {
      spawnSync(createdb, ['-h', '127.0.0.1', '-p', String(opts.port), '-U', 'postgres', database]); // "already exists" is fine
      return `postgres://postgres@127.0.0.1:${opts.port}/${database}`;
    },
  };
}
