import { ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import type { Db } from 'mongodb';
import type { CardApplication, ShippingDetails } from '../domain/cards.js';
import { saveCardApplication } from '../stores/cards.store.js';
import { releasePayment } from '../stores/payments.store.js';

export interface IssuerConfig {
  baseUrl: string;
  apiKey: string;
}

interface IssuerCard {
  id: number;
  status: 'pending' | 'active';
  pan_last4: string;
}

/** The card issuer's API (see simulators/issuer.simulator.ts) and the card read model. */
export function createCardActivities(db: Db, issuer: IssuerConfig) {
  async function call(path: string, init: RequestInit = {}): Promise<IssuerCard> {
    const res = await fetch(`${issuer.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${issuer.apiKey}`, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await res.json().catch(() => ({}))) as IssuerCard & { error?: string };
    if (res.status >= 400 && res.status < 500) throw ApplicationFailure.nonRetryable(`the issuer refused the card: ${body.error ?? res.status}`, 'CardRefused');
    if (!res.ok) throw new Error(`issuer answered ${res.status}`); // transient: the retry policy tries again
    return body;
  }

  return {
    /**
     * Creates the card with the workflow id as idempotency key: however often this runs (retries,
     * a worker that died after the issuer accepted), there is one card. Waits out async issuance.
     */
    async issueCard({ idempotencyKey, reference, physical, shipping }: { idempotencyKey: string; reference: string; physical: boolean; shipping: ShippingDetails | null }) {
      let card = await call('/v1/cards', {
        method: 'POST',
        headers: { 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ reference, physical, ...(shipping ? { name_on_card: shipping.nameOnCard, shipping } : {}) }),
      });
      for (let polls = 0; card.status === 'pending'; polls++) {
        if (polls >= 30) throw new Error('the issuer is still issuing'); // retried later, same key
        heartbeat(polls);
        await sleep(1_000);
        card = await call(`/v1/cards/${card.id}`);
      }
      return { cardId: card.id, panLast4: card.pan_last4 };
    },

    async saveCardApplication({ version, application }: { version: number; application: CardApplication }): Promise<void> {
      await saveCardApplication(db, version, application);
    },

    /** A card that could not be issued gives its fee back as credit: the payment can pay for a new application. */
    async releaseCardPayment({ paymentId, taskId }: { paymentId: string; taskId: string }): Promise<void> {
      await releasePayment(db, paymentId, taskId);
    },
  };
}

export type CardActivities = ReturnType<typeof createCardActivities>;
