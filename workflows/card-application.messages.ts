import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CardApplication, FulfilmentStage } from '../domain/cards.js';

/** Messages of the `card-application:{taskId}` workflow. */
export const getCardApplicationQuery = defineQuery<CardApplication>('getCardApplication');

/** Used with Update-with-Start: answers once the card is issued or the application failed. */
export const awaitIssuanceUpdate = defineUpdate<CardApplication>('awaitIssuance');

/** The issuer's verified fulfilment callback for a physical card. */
export const fulfilmentSignal = defineSignal<[{ eventId: string; stage: FulfilmentStage }]>('fulfilment');
