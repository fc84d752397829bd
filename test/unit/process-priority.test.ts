import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const linux = existsSync('/proc/self/task');
const module = fileURLToPath(new URL('../../worker/process-priority.ts', import.meta.url));

// Runs in a child process (a nice value cannot be lowered back without privileges): lowers the
// priority, starts a worker thread afterwards, and prints every thread's nice value from /proc.
const child = `
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { lowerCpuPriority } from ${JSON.stringify(module)};
lowerCpuPriority(Number(process.argv[1]));
const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
await new Promise((r) => worker.once('online', r));
const nice = readdirSync('/proc/self/task').map((tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
console.log(JSON.stringify(nice));
process.exit(0);
`;
const niceOfThreads = (nice: number): number[] => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child, String(nice)], { encoding: 'utf8' }).trim());

// The suite itself may run niced (CI under `nice`): a child starts at its parent's value.
const ownNice = (): number => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[16]);

describe('vision worker CPU priority', { skip: !linux && 'needs Linux /proc' }, () => {
  it('sets every thread, the ones started later too', () => {
    const target = Math.min(19, ownNice() + 5);
    const threads = niceOfThreads(target);
    assert.ok(threads.length > 3, `expected a node process's threads, got ${threads.length}`);
    assert.deepEqual([...new Set(threads)], [target]);
  });

  it('leaves the priority alone at 0', () => {
    assert.deepEqual([...new Set(niceOfThreads(0))], [ownNice()]);
  });
});
