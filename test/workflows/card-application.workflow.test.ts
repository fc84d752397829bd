import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { CardApplication } from '../../domain/cards.js';
import { fulfilmentSignal, getCardApplicationQuery } from '../../workflows/card-application.messages.js';
import { cardApplicationWorkflow } from '../../workflows/card-application.workflow.js';
import { recordHistory } from '../helpers/histories.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping } from '../helpers/time-skipping.js';

describe('cardApplicationWorkflow (time-skipping server)', { skip: skipWithoutTimeSkipping, timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  async function run(issue: () => Promise<{ cardId: number; panLast4: string }>, physical: boolean, body: (handle: any, released: string[]) => Promise<void>) {
    const released: string[] = [];
    const taskQueue = `card-${++n}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { code: readFileSync(process.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') },
      activities: {
        issueCard: issue,
        saveCardApplication: async () => undefined,
        releaseCardPayment: async ({ paymentId }: { paymentId: string }) => void released.push(paymentId),
      },
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(cardApplicationWorkflow, {
        workflowId: `card-application:test-${n}`,
        taskQueue,
        args: [{ taskId: `task_${String(n).padStart(24, '0')}`, userId: 'u1', kycId: 123, paymentId: 'pay_1', physical, shipping: null }],
      });
      await body(handle, released);
    });
  }

  it('issues a virtual card and ends', async () => {
    await run(async () => ({ cardId: 101, panLast4: '4242' }), false, async (handle) => {
      const result: CardApplication = await handle.result();
      assert.deepEqual([result.stage, result.cardId, result.panLast4], ['ISSUED', 101, '4242']);
      await recordHistory('card-application.virtual-issued', handle.fetchHistory());
    });
  });

  it('a refused card fails the task with the reason and gives the payment back', async () => {
    await run(async () => { throw ApplicationFailure.nonRetryable('the issuer refused the card: no', 'CardRefused'); }, false, async (handle, released) => {
      const result: CardApplication = await handle.result();
      assert.equal(result.stage, 'FAILED');
      assert.match(result.failureReason!, /refused/);
      assert.deepEqual(released, ['pay_1']);
    });
  });

  it('a physical card moves only forward through fulfilment, ignoring repeats and late callbacks', async () => {
    await run(async () => ({ cardId: 7, panLast4: '0001' }), true, async (handle) => {
      for (let i = 0; i < 100 && (await handle.query(getCardApplicationQuery)).stage !== 'ISSUED'; i++) await new Promise((r) => setTimeout(r, 20));
      await handle.signal(fulfilmentSignal, { eventId: 'e1', stage: 'SHIPPED' });
      await handle.signal(fulfilmentSignal, { eventId: 'e2', stage: 'EMBOSSED' }); // late: ignored
      await handle.signal(fulfilmentSignal, { eventId: 'e1', stage: 'DELIVERED' }); // repeated id: ignored
      assert.equal((await handle.query(getCardApplicationQuery)).stage, 'SHIPPED');
      await handle.signal(fulfilmentSignal, { eventId: 'e3', stage: 'DELIVERED' });
      const result: CardApplication = await handle.result();
      assert.deepEqual(result.stages.map((s) => s.stage), ['ISSUING', 'ISSUED', 'SHIPPED', 'DELIVERED']);
    });
  });
});
