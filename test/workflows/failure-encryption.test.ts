import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { encryptingDataConverter } from '../../codec/payload-codec.js';
import { loadConfig } from '../../config/config.js';
import type { CardApplication } from '../../domain/cards.js';
import { cardApplicationWorkflow } from '../../workflows/card-application.workflow.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping } from '../helpers/time-skipping.js';

const { History } = proto.temporal.api.history.v1;
const keys = loadConfig({ NODE_ENV: 'development' }).PAYLOAD_ENCRYPTION_KEYS;

describe('failure messages in history are encrypted', { skip: skipWithoutTimeSkipping, timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  it('an activity failure naming a person is sealed in history, and read back whole through the codec', async () => {
    const secret = 'holder JANE QUINTERO-MARSH, card 4111';
    const dataConverter = encryptingDataConverter(keys);
    const client = new Client({ connection: env.connection, dataConverter });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'failure-encryption',
      dataConverter,
      workflowBundle: { code: readFileSync(process.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') },
      activities: {
        issueCard: async () => { throw ApplicationFailure.nonRetryable(`the issuer refused the card: ${secret}`, 'CardRefused'); },
        saveCardApplication: async () => undefined,
        releaseCardPayment: async () => undefined,
      },
    });
    const result: CardApplication = await worker.runUntil(() => client.workflow.execute(cardApplicationWorkflow, {
      workflowId: 'card-application:failure-encryption',
      taskQueue: 'failure-encryption',
      args: [{ taskId: `task_${'1'.padStart(24, '0')}`, userId: 'u1', kycId: 1, paymentId: 'pay_1', physical: false, shipping: null }],
    }));
    // The workflow decoded the encrypted failure: the reason reaches the application whole.
    assert.equal(result.failureReason, `the issuer refused the card: ${secret}`);

    // What the server stores (read without the codec): no message, no stack, only ciphertext.
    const raw = await env.client.workflow.getHandle('card-application:failure-encryption').fetchHistory();
    const failed = raw.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!.failure!;
    assert.equal(failed.message, 'Encoded failure');
    assert.equal(failed.stackTrace, '');
    assert.equal(Buffer.from(failed.encodedAttributes!.metadata!.encoding!).toString(), 'binary/encrypted');
    const bytes = Buffer.from(History.encode(raw).finish());
    for (const leak of ['QUINTERO', 'issuer refused', 'card-application.activities']) assert.ok(!bytes.includes(leak), `history holds "${leak}" in clear`);
  });
});
