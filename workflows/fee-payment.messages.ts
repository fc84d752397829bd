import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FeePayment, PaymentEvent, PaymentEventAnswer } from '../domain/payments.js';

/** Messages of the `fee-payment:{paymentId}` workflow. */
export const getPaymentQuery = defineQuery<FeePayment>('getPayment');

/** A verified processor callback; repeated event ids and events after the end change nothing. */
export const paymentEventSignal = defineSignal<[PaymentEvent]>('paymentEvent');

/**
 * The same as an Update, answering whether the event was applied: of two contradictory events
 * sent at once, the callback of the one that lost hears "ignored" (a signal could not tell it).
 */
export const applyPaymentEventUpdate = defineUpdate<PaymentEventAnswer, [PaymentEvent]>('applyPaymentEvent');

/** Used with Update-with-Start: creates the payment if needed and answers with its checkout. */
export const awaitCheckoutUpdate = defineUpdate<FeePayment>('awaitCheckout');
