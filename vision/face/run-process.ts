import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: Buffer;
  /** Last few KB of stderr, for error messages. */
  stderr: string;
  /** True when stdout went over `maxStdoutBytes` and the process was stopped. */
  truncated: boolean;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  maxStdoutBytes: number;
  /** Sees each stdout chunk as it arrives (stdout is still collected). */
  onStdout?: (chunk: Buffer) => void;
}

const STDERR_TAIL = 4096;

/** Runs a binary without a shell, collecting bounded stdout in memory; never rejects on exit codes. */
export function runProcess(bin: string, args: string[], opts: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let truncated = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      chunks.push(chunk);
      size += chunk.length;
      opts.onStdout?.(chunk);
      if (size > opts.maxStdoutBytes) {
        truncated = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks), stderr, truncated, timedOut });
    });
  });
}
