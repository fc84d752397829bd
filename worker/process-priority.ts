import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority (a nice value, 0–19), so that on a machine it shares with
 * the API and the databases (`npm run dev`, a small host) OCR and face scoring yield the CPU to
 * requests instead of delaying them; alone on a machine it runs as fast as before. On Linux a nice
 * value belongs to each thread, so every thread that exists now is set (those started later
 * inherit it); elsewhere the process's.
 */
export function lowerCpuPriority(nice: number): void {
  if (nice <= 0) return;
  let threads: number[] = [];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: the process-wide call below is all there is
  }
  for (const tid of threads.length ? threads : [0]) {
    try {
      setPriority(tid, nice);
    } catch {
      // a thread that just ended
    }
  }
}
