import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../devstack/processes.js';
import { requireStackEnv } from '../helpers/app-under-test.js';

/** The real worker entry points: each starts, serves Prometheus metrics (SDK + ours), and stops on SIGTERM. */
describe('worker processes', { timeout: 120_000 }, () => {
  for (const [entry, portSetting] of [['worker/main.ts', 'WORKER_METRICS_PORT'], ['worker/vision-main.ts', 'VISION_WORKER_METRICS_PORT']]) {
    it(`${entry} serves /metrics and shuts down cleanly on SIGTERM`, () => runsAndStops(entry!, portSetting!));
  }

  async function runsAndStops(entry: string, portSetting: string): Promise<void> {
    requireStackEnv();
    const port = await freePort();
    const worker = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, [portSetting]: String(port), TEMPORAL_TASK_QUEUE: `metrics-${randomBytes(3).toString('hex')}`, OCR_WORKERS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (c) => (output += c));
    worker.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      let body = '';
      for (let i = 0; i < 240 && !body.includes('temporal_'); i++) {
        body = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
        if (!body.includes('temporal_')) await new Promise((r) => setTimeout(r, 250));
      }
      assert.match(body, /temporal_/, `no SDK metrics; worker said:\n${output.slice(-2000)}`);
    } finally {
      worker.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output.slice(-2000));
  }
});
