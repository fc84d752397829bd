// Runs bench/api/minimal-workflow.ts on MINIMAL_TASK_QUEUE, as its own process like the real worker.
import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';

const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.MINIMAL_TASK_QUEUE!,
  workflowsPath: fileURLToPath(new URL('./minimal-workflow.ts', import.meta.url)),
  activities: { touch: async () => 1 },
});
console.log('minimal worker ready');
await worker.run();
