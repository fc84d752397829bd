import { Worker } from 'node:worker_threads';
import type { DescriptorModelId } from './descriptor-models.js';
import { VideoRejected, type VideoRejectionCode } from './errors.js';
import type { LivenessAction } from './liveness-actions.js';
import type { LivenessVideoResult } from './liveness-video.js';

/**
 * Liveness clips scored on worker threads, one clip per thread at a time. The face models run on
 * tfjs's WASM backend, which computes on the thread that calls it: one engine is one core. With a
 * thread per clip, a session's three clips use every core instead of one (README: bench:liveness),
 * and the activity's own thread stays free for heartbeats.
 */
export interface LivenessPool {
  /** Scores one clip; throws VideoRejected for an unusable file, as scoreVideo does. */
  score(job: ClipJob): Promise<LivenessVideoResult>;
  readonly size: number;
  /** Starts every thread now and waits until their models are loaded (else the first clips wait). */
  warm(): Promise<void>;
  /** Stops every thread; clips in progress are rejected. */
  close(): Promise<void>;
}

/** What a thread needs to score a clip: only cloneable data (the describer is loaded there). */
export interface ClipJob {
  action: LivenessAction;
  video: string | Uint8Array;
  mirrored: boolean;
  descriptorModel: DescriptorModelId;
  flip: boolean;
}

export type ThreadReply = { result: LivenessVideoResult } | { rejected: { code: VideoRejectionCode; message: string } } | { error: string };

const ENTRY = new URL('./liveness-thread.mjs', import.meta.url);

/** Threads start on first use or `warm()` (each loads its face models: seconds) and are kept for the process. */
export function createLivenessPool(size: number): LivenessPool {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`a liveness pool needs at least one thread, got ${size}`);
  const threads: Array<ClipThread | undefined> = Array.from({ length: size }, () => undefined);
  const busy = new Set<number>();
  const waiting: Array<() => void> = [];
  let closed = false;

  async function acquire(): Promise<number> {
    for (;;) {
      if (closed) throw new Error('the liveness pool is closed');
      const free = threads.findIndex((_, i) => !busy.has(i));
      if (free >= 0) {
        busy.add(free);
        return free;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }

  function release(i: number): void {
    busy.delete(i);
    waiting.shift()?.();
  }

  return {
    size,
    async score(job) {
      const i = await acquire();
      try {
        // A thread that died (out of memory, a crash in WASM) is replaced by a fresh one.
        if (!threads[i] || threads[i].dead) threads[i] = new ClipThread();
        return await threads[i].run(job);
      } finally {
        release(i);
      }
    },
    async warm() {
      threads.forEach((t, i) => {
        if (!t || t.dead) threads[i] = new ClipThread();
      });
      await Promise.all(threads.map((t) => t!.started));
    },
    async close() {
      closed = true;
      waiting.splice(0).forEach((wake) => wake());
      await Promise.all(threads.flatMap((t) => (t ? [t.stop()] : [])));
    },
  };
}

/** One worker thread and the clip it is scoring. */
class ClipThread {
  dead = false;
  private readonly worker = new Worker(ENTRY);
  private readonly ready: Promise<void>;
  /** Resolves once the thread's models are loaded, or it failed (a failed thread is replaced on use). */
  readonly started: Promise<void>;
  private pending: { id: number; resolve: (r: ThreadReply) => void; reject: (e: Error) => void } | undefined;
  private nextId = 0;

  constructor() {
    this.ready = new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        this.dead = true;
        reject(err);
        this.pending?.reject(err);
        this.pending = undefined;
      };
      this.worker.on('message', (m: { ready?: true; id?: number } & Partial<ThreadReply>) => {
        if (m.ready) return resolve();
        if (this.pending && m.id === this.pending.id) this.pending.resolve(m as ThreadReply);
        this.pending = undefined;
      });
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`liveness thread exited (code ${code})`)));
    });
    this.started = this.ready.catch(() => undefined); // the failure itself is observed by run()
  }

  async run(job: ClipJob): Promise<LivenessVideoResult> {
    await this.ready;
    const id = this.nextId++;
    const reply = await new Promise<ThreadReply>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.postMessage({ id, job });
    });
    if ('result' in reply) return reply.result;
    if ('rejected' in reply) throw new VideoRejected(reply.rejected.code, reply.rejected.message);
    throw new Error(`liveness thread: ${reply.error}`);
  }

  async stop(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}
