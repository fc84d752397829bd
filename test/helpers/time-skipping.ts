import { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
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
