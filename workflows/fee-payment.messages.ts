import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FeePayment, PaymentEvent } from '../domain/payments.js';

/** Messages of the `fee-payment:{paymentId}` workflow. */
export const getPaymentQuery = defineQuery<FeePayment>('getPayment');

/** A verified processor callback; repeated event ids and events after the end change nothing. */
export const paymentEventSignal = defineSignal<[PaymentEvent]>('paymentEvent');

/** Used with Update-with-Start: creates the payment if needed and answers with its checkout. */
export const awaitCheckoutUpdate = defineUpdate<FeePayment>('awaitCheckout');
