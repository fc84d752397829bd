import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAILURE_CONVERTER_PATH } from '../codec/payload-codec.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { freePort, stopService, type Service } from './processes.js';
import { startMongoServer, startTemporalServer } from './servers.js';
import { ensureTemporalTestServer } from './tools.js';

/**
 * The servers a test run needs, on random free ports with throwaway data. A TEMPORAL_ADDRESS or
 * MONGODB_URL already in the environment is used instead of starting that server.
 */
export interface TestStack {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'kycflow-test-'));
  const services: Service[] = [];
  const stop = async () => {
    await Promise.all(services.map((service) => stopService(service)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const temporal = process.env.TEMPORAL_ADDRESS
      ? Promise.resolve(process.env.TEMPORAL_ADDRESS)
      : freePort().then(async (port) => {
          services.push(await startTemporalServer({ port, uiPort: 0, headless: true, logFile: join(dir, 'temporal.log') }));
          return `127.0.0.1:${port}`;
        });
    const mongo = process.env.MONGODB_URL
      ? Promise.resolve(process.env.MONGODB_URL)
      : freePort().then(async (port) => {
          const started = await startMongoServer({ port, dataDir: join(dir, 'mongo'), logFile: join(dir, 'mongo.log') });
          services.push(started.service);
          return started.url;
        });
    const bundle = bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger }).then(({ code }) => {
      const path = join(dir, 'workflow-bundle.js');
      writeFileSync(path, code);
      return path;
    });
    const [temporalAddress, mongoUrl, bundlePath] = await Promise.all([temporal, mongo, bundle]);
    return {
      env: {
        TEMPORAL_ADDRESS: temporalAddress,
        MONGODB_URL: mongoUrl,
        KYCFLOW_WORKFLOW_BUNDLE: bundlePath,
        TEMPORAL_TEST_SERVER_PATH: ensureTemporalTestServer(),
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
