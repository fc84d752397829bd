// `npm test [-- <files or folders>]`: starts the servers the suite needs (unless given), runs node's
// test runner over test/**/*.test.ts, and stops everything, whatever happens.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startTestStack } from '../devstack/test-stack.js';
import { ensureDebianPackages, ROOT } from '../devstack/tools.js';

function testFiles(targets: string[]): string[] {
  return targets.flatMap((target) => {
    const path = resolve(ROOT, target);
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => join(path, file));
  }).sort();
}

const files = testFiles(process.argv.slice(2).length ? process.argv.slice(2) : ['test']);
const started = Date.now();
console.log(`starting the test stack for ${files.length} test files…`);
ensureDebianPackages();
const stack = await startTestStack();
console.log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s: Temporal ${stack.env.TEMPORAL_ADDRESS}, MongoDB ${stack.env.MONGODB_URL}`);

const runner = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files.map((f) => relative(ROOT, f))], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, ...stack.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
});
const forward = (signal: NodeJS.Signals) => runner.kill(signal);
process.on('SIGINT', forward).on('SIGTERM', forward);
const code = await new Promise<number>((done) => runner.on('exit', (exit, signal) => done(exit ?? (signal ? 1 : 0))));
await stack.stop();
console.log(`test run took ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(code);
