import { readFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { visionTaskQueueOf } from '../../domain/task-queues.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

export const timeSkippingServer = process.env.TEMPORAL_TEST_SERVER_PATH;
export const skipWithoutTimeSkipping = !timeSkippingServer && 'TEMPORAL_TEST_SERVER_PATH is unset: run through `npm test`';

/** The Java time-skipping server, with the project's search attributes registered like the dev server's. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServer! } },
  });
  const searchAttributes = Object.fromEntries(
    CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}` as keyof typeof IndexedValueType]]),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
  return env;
}

/**
 * Runs `body` while a profile workflow worker (on `taskQueue`, with the bundled workflows) and a
 * vision worker (on its own queue, as in production: OCR, quality, face, liveness) poll with `activities`.
 */
export async function withProfileWorkers<T>(env: TestWorkflowEnvironment, taskQueue: string, activities: object, body: () => Promise<T>): Promise<T> {
  const workflowBundle = { code: readFileSync(process.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
  const vision = await Worker.create({ connection: env.nativeConnection, taskQueue: visionTaskQueueOf(taskQueue), activities });
  return worker.runUntil(() => vision.runUntil(body));
}
