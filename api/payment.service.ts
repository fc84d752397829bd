import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { DataKeyRing } from '../codec/data-keys.js';
import type { Config } from '../config/config.js';
import { feePaymentWorkflowId, isFinalPayment, paymentEventRefusal, type FeePayment, type PaymentEvent, type PaymentEventAnswer, type PaymentType } from '../domain/payments.js';
import { findKycUser, kycPaymentViewOf } from '../stores/kyc-users.store.js';
import { claimOpenPayment, findPayment, paymentDto, releaseOpenPayment, rememberIdempotencyKey } from '../stores/payments.store.js';
import { applyPaymentEventUpdate, awaitCheckoutUpdate, getPaymentQuery } from '../workflows/fee-payment.messages.js';
import type { feePaymentWorkflow } from '../workflows/fee-payment.workflow.js';
import { HttpError, notFound } from './http-error.js';
import { ownedBy } from './ownership.js';
import type { AuthClaims } from './plugins/auth.js';
import { callWorkflow, unlessErased } from './workflow-errors.js';

export type PaymentServiceConfig = Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'PAYMENT_TTL_MINUTES' | 'FEE_CURRENCY' | 'FEE_KYC_MINOR' | 'FEE_VIRTUAL_MINOR' | 'FEE_PHYSICAL_MINOR'>;

/** Fee payments: one open payment per user and type, each a `fee-payment:{paymentId}` workflow. */
export function createPaymentService({ client, db, dataKeys, config }: { client: Client; db: Db; dataKeys: Pick<DataKeyRing, 'erasedAt'>; config: PaymentServiceConfig }) {
  const fees: Record<PaymentType, number> = { kyc: config.FEE_KYC_MINOR, virtual: config.FEE_VIRTUAL_MINOR, physical: config.FEE_PHYSICAL_MINOR };
  const handle = (paymentId: string) => client.workflow.getHandle<typeof feePaymentWorkflow>(feePaymentWorkflowId(paymentId));

  /** Starts the workflow if needed and waits for its checkout (Update-with-Start). */
  async function startAndAwaitCheckout(paymentId: string, userId: string, type: PaymentType): Promise<FeePayment> {
    const start = new WithStartWorkflowOperation<typeof feePaymentWorkflow>('feePaymentWorkflow', {
      workflowId: feePaymentWorkflowId(paymentId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ paymentId, userId, type, amount: fees[type], currency: config.FEE_CURRENCY, ttlMs: config.PAYMENT_TTL_MINUTES * 60_000 }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return client.workflow.executeUpdateWithStart(awaitCheckoutUpdate, { startWorkflowOperation: start });
  }

  /**
   * The workflow's own answer (applied, or a repeat or late event ignored). A workflow that has
   * ended (its payment finished) takes no Update: its final state answers instead.
   */
  async function applyToWorkflow(reference: string, event: PaymentEvent): Promise<PaymentEventAnswer> {
    try {
      return await handle(reference).executeUpdate(applyPaymentEventUpdate, { args: [event] });
    } catch (err) {
      const refusal = paymentEventRefusal(await handle(reference).query(getPaymentQuery), event);
      if (refusal) return { status: 'ignored', reason: refusal };
      throw err;
    }
  }

  return {
    /**
     * Creates (or returns the open) payment; an Idempotency-Key always answers with its first payment.
     * A KYC fee paid and not yet used by a profile is answered as is: a second one would only be
     * charged for nothing (a double tap, an app that opens a payment before every submit).
     */
    async create(viewer: AuthClaims, type: PaymentType, idempotencyKey?: string): Promise<{ payment: FeePayment; created: boolean }> {
      if (type === 'kyc') {
        const user = await findKycUser(db, viewer.sub);
        const fee = kycPaymentViewOf(user);
        const paid = user?.kycPayment?.paymentId;
        if (paid && fee?.status === 'completed' && !fee.consumed) return { payment: await this.get(viewer, paid), created: false };
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const candidate = `pay_${randomBytes(12).toString('hex')}`;
        const paymentId = await claimOpenPayment(db, viewer.sub, type, candidate);
        if (idempotencyKey) {
          const remembered = await rememberIdempotencyKey(db, viewer.sub, idempotencyKey, type, paymentId);
          if (remembered && (remembered.type !== type || remembered.paymentId !== paymentId)) {
            // Answered by an earlier payment (or refused): a claim taken just now for nothing goes again.
            if (paymentId === candidate) await releaseOpenPayment(db, viewer.sub, type, candidate);
            if (remembered.type !== type) throw new HttpError(409, 'Idempotency-Key was already used for a different payment type');
            return { payment: await this.get(viewer, remembered.paymentId), created: false };
          }
        }
        let payment: FeePayment;
        try {
          payment = await startAndAwaitCheckout(paymentId, viewer.sub, type);
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          payment = await handle(paymentId).query(getPaymentQuery);
        }
        // A claim still pointing at an ended payment (its release may lag a moment) is stale.
        if (paymentId === candidate || !isFinalPayment(payment.status)) return { payment, created: paymentId === candidate };
        await releaseOpenPayment(db, viewer.sub, type, paymentId);
      }
      throw new Error('could not open a payment');
    },

    /** From the read model, by key. */
    async get(viewer: AuthClaims, paymentId: string): Promise<FeePayment> {
      return paymentDto(ownedBy(await findPayment(db, paymentId), viewer, 'payment'));
    },

    /** Applies a verified processor event; says why when it changes nothing. */
    async applyEvent(reference: string, intentId: string, event: PaymentEvent): Promise<PaymentEventAnswer> {
      const known = await findPayment(db, reference);
      if (!known || known.intentId !== intentId) throw notFound('payment');
      const answer = await unlessErased(dataKeys, feePaymentWorkflowId(reference), () => callWorkflow('payment', () => applyToWorkflow(reference, event)));
      // Its user was erased: nothing can change it any more (a 2xx, so the processor stops retrying).
      return answer ?? { status: 'ignored', reason: "the payment's data was erased" };
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;

/** The payment as the app sees it (seed 000 naming). */
export const paymentView = (p: FeePayment) => ({
  payment_id: p.paymentId,
  type: p.type,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  checkout_url: p.checkoutUrl,
  failure_reason: p.failureReason,
  created_at: p.createdAt,
  expires_at: p.expiresAt,
});
