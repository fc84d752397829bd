// `npm run retention:sweep [-- --dry-run]`: runs the retention sweep now (the worker must be running)
// and prints what it found and erased, by rule. With --dry-run nothing is erased, whatever the settings.
import { Client, Connection } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { encryptingDataConverter } from '../codec/payload-codec.js';
import { loadConfigOrExit } from '../config/config.js';
import { connectMongo } from '../stores/mongo.js';
import type { retentionSweepWorkflow } from '../workflows/retention-sweep.workflow.js';
import { retentionSweepInput } from './retention-schedule.js';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
const config = loadConfigOrExit();
const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.PAYLOAD_ENCRYPTION_KEYS, mongo.db) });
  const input = retentionSweepInput(config);
  const progress = await client.workflow.execute<typeof retentionSweepWorkflow>('retentionSweepWorkflow', {
    workflowId: `retention-sweep-manual-${new Date().toISOString()}`,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ ...input, dryRun: input.dryRun || values['dry-run'] }],
  });
  console.log(`retention sweep${progress.dryRun ? ' (dry run: nothing erased)' : ''}, cutoffs ${JSON.stringify(progress.cutoffs)}`);
  console.table(Object.fromEntries(Object.entries(progress.categories).map(([rule, c]) => [rule, { found: c.found, erased: c.erased, failed: c.failed, held: c.held, sample: c.sample.slice(0, 3).join(' ') }])));
} finally {
  await connection.close();
  await mongo.client.close();
}
