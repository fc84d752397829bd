// `npm run dev`: the whole service on this machine with embedded defaults: Temporal dev server (+UI),
// a MongoDB-protocol server, the provider simulators, the worker and the API. Ctrl-C stops them all.
import { join } from 'node:path';
import { loadConfigOrExit } from '../config/config.js';
import { canConnect, spawnService, stopService, waitUntilReady, type Service } from './processes.js';
import { startMongoServer, startTemporalServer } from './servers.js';
import { ROOT, ToolError } from './tools.js';
import { DEV_LIST_PATHS } from '../screening/lists/dev-lists.js';

const config = loadConfigOrExit();
const DATA_DIR = process.env.KYCFLOW_DATA_DIR ?? join(ROOT, '.data');
const TEMPORAL_UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const services: Service[] = [];
let stopping = false;

async function stopAll(code: number): Promise<void> {
  if (stopping) return; // Ctrl-C reaches us twice (the terminal and the bootstrap both send it)
  stopping = true;
  // Our processes first, then the servers they use.
  for (const service of [...services].reverse()) await stopService(service);
  process.exit(code);
}

async function assertFree(port: number, what: string, setting: string): Promise<void> {
  const inUse = await canConnect('127.0.0.1', port).then(() => true, () => false);
  if (inUse) throw new ToolError(`port ${port} (${what}) is already in use: stop what holds it (another \`npm run dev\`?) or set ${setting}`);
}

async function temporalAddress(): Promise<string> {
  if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
  const port = Number(config.TEMPORAL_ADDRESS.split(':').pop());
  await assertFree(port, 'Temporal', 'TEMPORAL_ADDRESS to use a running server');
  await assertFree(TEMPORAL_UI_PORT, 'Temporal UI', 'TEMPORAL_UI_PORT');
  // The UI asks the API's codec endpoint to decrypt payloads (README "Security").
  const codecEndpoint = `http://${config.HOST}:${config.PORT}/codec`;
  services.push(await startTemporalServer({ port, uiPort: TEMPORAL_UI_PORT, dbFile: join(DATA_DIR, 'temporal.db'), codecEndpoint }));
  return `127.0.0.1:${port}`;
}

async function mongoUrl(): Promise<string> {
  if (process.env.MONGODB_URL) return process.env.MONGODB_URL;
  await assertFree(27017, 'MongoDB', 'MONGODB_URL to use a running server');
  const started = await startMongoServer({ port: 27017, dataDir: join(DATA_DIR, 'mongo') });
  services.push(started.service);
  return started.url;
}

function startNode(name: string, entry: string, env: NodeJS.ProcessEnv): Service {
  const service = spawnService(name, process.execPath, ['--import', 'tsx', join(ROOT, entry)], { env, cwd: ROOT });
  services.push(service);
  void service.exited.then((code) => {
    if (stopping) return;
    console.error(`${name} exited with code ${code}; stopping the stack`);
    void stopAll(1);
  });
  return service;
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  const started = Date.now();
  const [temporal, mongo] = await Promise.all([temporalAddress(), mongoUrl()]);
  // Sanctions screening runs against the shipped fictional lists unless real ones are configured.
  const SCREENING_LIST_PATHS = process.env.SCREENING_LIST_PATHS ?? DEV_LIST_PATHS.join(',');
  const env = { TEMPORAL_ADDRESS: temporal, MONGODB_URL: mongo, SCREENING_LIST_PATHS };
  startNode('simulators', 'simulators/main.ts', env);
  startNode('worker', 'worker/main.ts', env);
  startNode('vision-worker', 'worker/vision-main.ts', env);
  // The dev UI has no login to pass a token to the codec endpoint (README "Security").
  const api = startNode('api', 'api/main.ts', { ...env, CODEC_TRUST_LOCAL_UI: process.env.CODEC_TRUST_LOCAL_UI ?? 'true' });
  const apiUrl = `http://${config.HOST}:${config.PORT}`;
  await waitUntilReady(api, async () => {
    const res = await fetch(`${apiUrl}/readyz`);
    if (!res.ok) throw new Error(`readyz ${res.status}: ${await res.text()}`);
  });
  console.log(`
kycflow is up (${((Date.now() - started) / 1000).toFixed(1)}s)
  API          ${apiUrl}   (readiness: ${apiUrl}/readyz)
  API docs     ${apiUrl}/docs
  Back office  ${apiUrl}/backoffice   (add a reviewer: npm run reviewer -- add anna --role senior_reviewer)
  Temporal UI  ${process.env.TEMPORAL_ADDRESS ? '(your Temporal cluster\'s UI)' : `http://127.0.0.1:${TEMPORAL_UI_PORT}`}
  Temporal     ${temporal}
  MongoDB      ${mongo}
  Simulators   http://${config.HOST}:${config.SIMULATOR_PORT} (Vexora, payment checkout, card issuer)
  Screening    ${SCREENING_LIST_PATHS === DEV_LIST_PATHS.join(',') ? 'the fictional dev lists (set SCREENING_LIST_PATHS for real ones)' : SCREENING_LIST_PATHS}
  A token:     npm run token -- --user user_10001
Ctrl-C stops everything; data stays in ${DATA_DIR}.
`);
} catch (err) {
  console.error(err instanceof ToolError ? err.message : err);
  await stopAll(1);
}
