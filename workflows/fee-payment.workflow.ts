import { condition, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PaymentActivities } from '../activities/payment.activities.js';
import { isFinalPayment, paymentEventRefusal, type FeePayment, type FeePaymentInput, type PaymentEvent, type PaymentEventAnswer } from '../domain/payments.js';
import { applyPaymentEventUpdate, awaitCheckoutUpdate, getPaymentQuery, paymentEventSignal } from './fee-payment.messages.js';

const { createPaymentIntent, saveFeePayment } = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const now = (): string => new Date().toISOString(); // deterministic inside the workflow sandbox

/**
 * One fee payment: create the processor's payment intent (idempotent by workflow id), then wait for
 * its signed callbacks until completed, failed, or expired unpaid.
 */
export async function feePaymentWorkflow(input: FeePaymentInput): Promise<FeePayment> {
  const createdAt = now();
  const payment: FeePayment = {
    paymentId: input.paymentId,
    userId: input.userId,
    type: input.type,
    amount: input.amount,
    currency: input.currency,
    status: 'pending',
    checkoutUrl: null,
    intentId: null,
    failureReason: null,
    eventIds: [],
    createdAt,
    updatedAt: createdAt,
    expiresAt: new Date(Date.parse(createdAt) + input.ttlMs).toISOString(),
  };
  let changed = false;
  let version = 0;
  let written = 0; // the newest version the read model is known to hold
  const publish = async () => {
    payment.updatedAt = now();
    const next = ++version;
    await saveFeePayment({ version: next, payment });
    written = Math.max(written, next);
  };

  setHandler(getPaymentQuery, () => payment);
  // Answers once the checkout exists (or the payment already ended): the API's create call waits on
  // it. Since 'checkout-after-projection' also once the read model holds it, so reads that follow
  // the answer see the payment (older histories answered before the write).
  setHandler(awaitCheckoutUpdate, async () => {
    const afterProjection = patched('checkout-after-projection');
    await condition(() => (payment.checkoutUrl !== null || isFinalPayment(payment.status)) && (!afterProjection || written === version));
    return payment;
  });
  function applyEvent(event: PaymentEvent): PaymentEventAnswer {
    const refusal = paymentEventRefusal(payment, event);
    if (refusal) return { status: 'ignored', reason: refusal };
    payment.eventIds.push(event.eventId);
    payment.status = event.outcome;
    payment.failureReason = event.outcome === 'failed' ? event.failureReason ?? 'payment failed' : null;
    changed = true;
    return { status: 'accepted' };
  }
  setHandler(paymentEventSignal, (event: PaymentEvent) => void applyEvent(event));
  setHandler(applyPaymentEventUpdate, applyEvent);

  const intent = await createPaymentIntent({
    idempotencyKey: workflowInfo().workflowId,
    reference: input.paymentId,
    amount: input.amount,
    currency: input.currency,
    description: `${input.type} fee`,
  });
  payment.intentId = intent.intentId;
  payment.checkoutUrl = intent.checkoutUrl;
  await publish();

  while (!isFinalPayment(payment.status)) {
    if (!(await nextEvent())) {
      payment.status = 'failed';
      payment.failureReason = 'expired unpaid';
      break;
    }
    changed = false;
    if (!isFinalPayment(payment.status)) await publish();
  }
  await publish();
  return payment;

  /** Waits for a callback; false when the payment expired unpaid. Once processing, only the processor ends it. */
  async function nextEvent(): Promise<boolean> {
    if (payment.status === 'processing') return condition(() => changed).then(() => true);
    const remaining = Date.parse(payment.expiresAt) - Date.parse(now());
    return remaining > 0 && condition(() => changed, remaining);
  }
}
