// One liveness worker thread: its own face engine (tfjs WASM runs on the thread that calls it),
// scoring one clip per message. Started by liveness-pool.ts through liveness-thread.mjs.
import { parentPort } from 'node:worker_threads';
import { loadDescriber } from './descriptor-models.js';
import { VideoRejected } from './errors.js';
import { createFaceAnalyzer } from './face-analyzer.js';
import { scoreVideo } from './liveness-video.js';
import type { ClipJob, ThreadReply } from './liveness-pool.js';

const port = parentPort;
if (!port) throw new Error('liveness-thread.ts runs only as a worker thread (liveness-pool.ts)');

const analyzer = await createFaceAnalyzer();
port.on('message', ({ id, job }: { id: number; job: ClipJob }) => {
  void score(job).then((reply) => port.postMessage({ id, ...reply }));
});
port.postMessage({ ready: true });

async function score(job: ClipJob): Promise<ThreadReply> {
  try {
    const describer = await loadDescriber(job.descriptorModel, { flip: job.flip });
    const result = await scoreVideo(analyzer, job.action, job.video, { mirrored: job.mirrored, descriptor: { describer, align: true } });
    return { result };
  } catch (err) {
    if (err instanceof VideoRejected) return { rejected: { code: err.code, message: err.message } };
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
