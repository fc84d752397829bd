import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { DataKeyRing } from '../codec/data-keys.js';
import type { Config } from '../config/config.js';
import { cardApplicationWorkflowId, movesCardOn, type CardApplication, type FulfilmentStage } from '../domain/cards.js';
import type { ApplyCardBody } from '../domain/kyc-service.schemas.js';
import { cardApplicationDto, cardsOfUser, findCardApplication } from '../stores/cards.store.js';
import { findKycUser, standingProfileOf } from '../stores/kyc-users.store.js';
import { consumePayment, longUsedPayments, releasePayment } from '../stores/payments.store.js';
import type { PaymentType } from '../domain/payments.js';
import { awaitIssuanceUpdate, fulfilmentSignal, getCardApplicationQuery } from '../workflows/card-application.messages.js';
import type { cardApplicationWorkflow } from '../workflows/card-application.workflow.js';
import { HttpError, notFound } from './http-error.js';
import { ownedBy } from './ownership.js';
import type { AuthClaims } from './plugins/auth.js';
import { callWorkflow, unlessErased } from './workflow-errors.js';

/** Seed 001 card applications, each a `card-application:{taskId}` workflow. */
export function createCardService({ client, db, dataKeys, config }: { client: Client; db: Db; dataKeys: Pick<DataKeyRing, 'erasedAt'>; config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CARD_APPLY_WAIT_MS'> }) {
  const handle = (taskId: string) => client.workflow.getHandle<typeof cardApplicationWorkflow>(cardApplicationWorkflowId(taskId));

  /**
   * Card fees used by applications that never started (the API died between using the fee and
   * starting the workflow) are given back: no application in the read model nor in Temporal, long
   * after the use. Looked for only when the user has no unused fee. True if any was given back.
   */
  async function reclaimOrphanedFees(userId: string, type: PaymentType): Promise<boolean> {
    let reclaimed = false;
    for (const { paymentId, consumer } of await longUsedPayments(db, userId, type)) {
      if (await findCardApplication(db, consumer)) continue;
      try {
        await handle(consumer).describe();
        continue; // started, its read model not written yet
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      await releasePayment(db, paymentId, consumer);
      reclaimed = true;
    }
    return reclaimed;
  }

  return {
    /**
     * KYC approved (else 400) and the card fee of the right type paid and unused (else 402; the
     * payment is then used by this application). Starts the workflow and waits briefly for the card.
     */
    async apply(viewer: AuthClaims, body: ApplyCardBody): Promise<{ application: CardApplication | null; taskId: string; kycId: number }> {
      const profile = standingProfileOf(await findKycUser(db, viewer.sub));
      if (profile?.stage !== 'APPROVED') throw new HttpError(400, 'KYC not approved', undefined, 'complete KYC verification before applying for a card');
      const type = body.physical ? 'physical' : 'virtual';
      const taskId = `task_${randomBytes(12).toString('hex')}`;
      let payment = await consumePayment(db, viewer.sub, type, taskId);
      if (!payment && (await reclaimOrphanedFees(viewer.sub, type))) payment = await consumePayment(db, viewer.sub, type, taskId);
      if (!payment) throw new HttpError(402, `${type} card fee not paid`, undefined, `create and complete a payment of type "${type}" (POST /payments); each payment pays for one card`);
      const shipping = body.physical
        ? { nameOnCard: body.name_on_card!, recipient: body.recipient!, areaCode: body.area_code!, phone: body.phone!, address: body.postal_address!, city: body.postal_city!, postalCode: body.postal_code!, country: body.postal_country! }
        : null;
      try {
        const start = new WithStartWorkflowOperation<typeof cardApplicationWorkflow>('cardApplicationWorkflow', {
          workflowId: cardApplicationWorkflowId(taskId),
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [{ taskId, userId: viewer.sub, kycId: profile.recordId, paymentId: payment._id, physical: body.physical, shipping }],
          workflowIdConflictPolicy: 'FAIL',
        });
        const update = await client.workflow.startUpdateWithStart(awaitIssuanceUpdate, { startWorkflowOperation: start, waitForStage: 'ACCEPTED' });
        const application = await Promise.race([update.result(), new Promise<null>((r) => setTimeout(() => r(null), config.CARD_APPLY_WAIT_MS))]);
        return { application, taskId, kycId: profile.recordId };
      } catch (err) {
        await releasePayment(db, payment._id, taskId); // nothing started: the fee stays unused
        throw err;
      }
    },

    /** From the read model, by key. */
    async task(viewer: AuthClaims, taskId: string): Promise<CardApplication> {
      return cardApplicationDto(ownedBy(await findCardApplication(db, taskId), viewer, 'card application'));
    },

    cards: (viewer: AuthClaims) => cardsOfUser(db, viewer.sub),

    async fulfilment(taskId: string, cardId: number, eventId: string, stage: FulfilmentStage): Promise<{ status: 'accepted' | 'ignored'; reason?: string }> {
      const application = await unlessErased(dataKeys, cardApplicationWorkflowId(taskId), () => callWorkflow('card application', () => handle(taskId).query(getCardApplicationQuery)));
      // Its user was erased: nothing can change it any more (a 2xx, so the issuer stops retrying).
      if (!application) return { status: 'ignored', reason: "the card application's data was erased" };
      if (application.cardId !== cardId) throw notFound('card');
      // Late, repeated or out-of-order callbacks are acknowledged with the reason, never a 5xx
      // (the workflow of a delivered or virtual card has ended: a signal would find none).
      if (!application.physical) return { status: 'ignored', reason: 'a virtual card is not shipped' };
      if (!movesCardOn(application.stage, stage)) return { status: 'ignored', reason: `the card is already ${application.stage}` };
      try {
        await handle(taskId).signal(fulfilmentSignal, { eventId, stage });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'ignored', reason: 'the card application has ended' };
        throw err;
      }
      return { status: 'accepted' };
    },
  };
}

export type CardService = ReturnType<typeof createCardService>;
