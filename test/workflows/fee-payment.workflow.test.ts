import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { FeePayment } from '../../domain/payments.js';
import { getPaymentQuery, paymentEventSignal } from '../../workflows/fee-payment.messages.js';
import { feePaymentWorkflow } from '../../workflows/fee-payment.workflow.js';
import { recordHistory } from '../helpers/histories.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping } from '../helpers/time-skipping.js';

describe('feePaymentWorkflow (time-skipping server)', { skip: skipWithoutTimeSkipping, timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  async function run<T>(body: (handle: any, saved: FeePayment[]) => Promise<T>): Promise<T> {
    const saved: FeePayment[] = [];
    const taskQueue = `pay-${++n}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { code: readFileSync(process.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') },
      activities: {
        createPaymentIntent: async () => ({ intentId: 'pi_1', checkoutUrl: 'http://sim/checkout/pi_1' }),
        saveFeePayment: async ({ payment }: { payment: FeePayment }) => void saved.push(structuredClone(payment)),
      },
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start(feePaymentWorkflow, {
        workflowId: `fee-payment:test-${n}`,
        taskQueue,
        args: [{ paymentId: `pay_${String(n).padStart(24, '0')}`, userId: 'u1', type: 'kyc', amount: 500, currency: 'USD', ttlMs: 30 * 60_000 }],
      });
      return body(handle, saved);
    });
  }

  it('expires unpaid after its TTL', async () => {
    const result = await run(async (handle) => {
      const final = await handle.result(); // 30 minutes skipped
      await recordHistory('fee-payment.expired', handle.fetchHistory());
      return final;
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.failureReason, 'expired unpaid');
  });

  it('completes on the processor event, ignoring repeats and anything after the end', async () => {
    await run(async (handle, saved) => {
      await handle.signal(paymentEventSignal, { eventId: 'e1', outcome: 'processing', failureReason: null });
      await handle.signal(paymentEventSignal, { eventId: 'e1', outcome: 'processing', failureReason: null });
      await handle.signal(paymentEventSignal, { eventId: 'e2', outcome: 'completed', failureReason: null });
      const result: FeePayment = await handle.result();
      assert.equal(result.status, 'completed');
      assert.deepEqual(result.eventIds, ['e1', 'e2']);
      assert.equal(saved.at(-1)!.status, 'completed');
    });
  });

  it('a processing payment is not expired by time: only the processor ends it', async () => {
    await run(async (handle) => {
      await handle.signal(paymentEventSignal, { eventId: 'e1', outcome: 'processing', failureReason: null });
      await env.sleep('2 hours');
      assert.equal((await handle.query(getPaymentQuery)).status, 'processing');
      await handle.signal(paymentEventSignal, { eventId: 'e2', outcome: 'failed', failureReason: 'card declined' });
      const result: FeePayment = await handle.result();
      assert.deepEqual([result.status, result.failureReason], ['failed', 'card declined']);
    });
  });
});
