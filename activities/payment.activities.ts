import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { isFinalPayment, type FeePayment } from '../domain/payments.js';
import { releaseOpenPayment, saveFeePayment } from '../stores/payments.store.js';

export interface PaymentProcessorConfig {
  baseUrl: string;
  apiKey: string;
}

export interface PaymentIntentRequest {
  idempotencyKey: string;
  reference: string;
  amount: number;
  currency: string;
  description: string;
}

/** The payment processor's API (see simulators/payments.simulator.ts) and the payment read model. */
export function createPaymentActivities(db: Db, processor: PaymentProcessorConfig) {
  return {
    /** Creates (or, for the same idempotency key, finds) the processor's payment intent. */
    async createPaymentIntent(request: PaymentIntentRequest): Promise<{ intentId: string; checkoutUrl: string }> {
      const res = await fetch(`${processor.baseUrl}/v1/payment-intents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${processor.apiKey}`, 'idempotency-key': request.idempotencyKey, 'content-type': 'application/json' },
        body: JSON.stringify({ reference: request.reference, amount: request.amount, currency: request.currency, description: request.description }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string; checkout_url?: string; error?: string };
      if (res.status >= 400 && res.status < 500) {
        throw ApplicationFailure.nonRetryable(`payment processor refused the intent: ${res.status} ${body.error ?? ''}`, 'PaymentIntentRefused');
      }
      if (!res.ok || !body.id || !body.checkout_url) throw new Error(`payment processor answered ${res.status}`);
      return { intentId: body.id, checkoutUrl: body.checkout_url };
    },

    async saveFeePayment({ version, payment }: { version: number; payment: FeePayment }): Promise<void> {
      await saveFeePayment(db, version, payment);
      if (isFinalPayment(payment.status)) await releaseOpenPayment(db, payment.userId, payment.type, payment.paymentId);
    },
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
