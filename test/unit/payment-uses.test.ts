import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FeePayment } from '../../domain/payments.js';
import { ABANDONED_USE_MS, consumePayment, saveFeePayment } from '../../stores/payments.store.js';
import { useTestDatabase } from '../helpers/test-database.js';

/** A paid, unused card fee of `userId`. */
function paidCardFee(userId: string): FeePayment {
  const now = new Date().toISOString();
  return {
    paymentId: `pay_${randomBytes(12).toString('hex')}`, userId, type: 'virtual', amount: 500, currency: 'THB', status: 'completed',
    checkoutUrl: null, intentId: 'pi_1', failureReason: null, eventIds: ['evt_1'], createdAt: now, updatedAt: now, expiresAt: now,
  };
}

describe('fee payment uses (one use per payment, never locked away)', { timeout: 30_000 }, () => {
  const mongo = useTestDatabase('uses');
  const uses = () => mongo.db.collection<{ _id: string; consumer: string; at: Date }>('fee_payment_uses');

  it('a use in flight holds the payment: a second consumer gets none', async () => {
    const fee = paidCardFee('u_inflight');
    await saveFeePayment(mongo.db, 1, fee);
    await uses().insertOne({ _id: fee.paymentId, consumer: 'task_a', at: new Date() }); // task_a is between its two writes
    assert.equal(await consumePayment(mongo.db, 'u_inflight', 'virtual', 'task_b'), null);
  });

  it('a use abandoned between its two writes (the process died) is taken over, once', async () => {
    const fee = paidCardFee('u_abandoned');
    await saveFeePayment(mongo.db, 1, fee);
    await uses().insertOne({ _id: fee.paymentId, consumer: 'task_dead', at: new Date(Date.now() - ABANDONED_USE_MS - 1000) });
    const [first, second] = await Promise.all(['task_b', 'task_c'].map((task) => consumePayment(mongo.db, 'u_abandoned', 'virtual', task)));
    const taken = [first, second].filter((p) => p !== null);
    assert.equal(taken.length, 1, 'one consumer takes it over');
    assert.equal(taken[0]!._id, fee.paymentId);
    assert.equal((await uses().findOne({ _id: fee.paymentId }))!.consumer, taken[0]!.consumedBy);
  });
});
