import { ActivityFailure, ApplicationFailure, condition, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CardActivities } from '../activities/card.activities.js';
import { isSettled, movesCardOn, type CardApplication, type CardApplicationInput, type CardStage } from '../domain/cards.js';
import { awaitIssuanceUpdate, fulfilmentSignal, getCardApplicationQuery } from './card-application.messages.js';

const { issueCard } = proxyActivities<CardActivities>({
  startToCloseTimeout: '45 seconds',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: ['CardRefused'] },
});
const { saveCardApplication, releaseCardPayment } = proxyActivities<CardActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const now = (): string => new Date().toISOString(); // deterministic inside the workflow sandbox
const SHIPPING_WAIT = '90 days';

/**
 * One card application: issue the card (idempotent by workflow id: never two cards), then, for a
 * physical card, follow the issuer's fulfilment callbacks until delivered.
 */
export async function cardApplicationWorkflow(input: CardApplicationInput): Promise<CardApplication> {
  const createdAt = now();
  const app: CardApplication = {
    taskId: input.taskId,
    userId: input.userId,
    kycId: input.kycId,
    paymentId: input.paymentId,
    physical: input.physical,
    stage: 'ISSUING',
    stages: [{ stage: 'ISSUING', at: createdAt }],
    cardId: null,
    panLast4: null,
    failureReason: null,
    createdAt,
    updatedAt: createdAt,
  };
  const seen = new Set<string>();
  let version = 0;
  let written = 0; // the newest version the read model is known to hold
  let publishedStages = 0; // how many stages the newest published snapshot holds
  const publish = async () => {
    const next = ++version;
    publishedStages = app.stages.length;
    await saveCardApplication({ version: next, application: app });
    written = Math.max(written, next);
  };
  const moveTo = (stage: CardStage) => {
    app.stage = stage;
    app.updatedAt = now();
    app.stages.push({ stage, at: app.updatedAt });
  };

  setHandler(getCardApplicationQuery, () => app);
  // Since 'issuance-after-projection' the answer waits for the read model too, so a task read
  // after it shows the card (older histories answered before the write).
  setHandler(awaitIssuanceUpdate, async () => {
    const afterProjection = patched('issuance-after-projection');
    await condition(() => isSettled(app) && (!afterProjection || written === version));
    return app;
  });
  setHandler(fulfilmentSignal, ({ eventId, stage }) => {
    // Only forward moves count: repeats and late, out-of-order callbacks change nothing.
    if (seen.has(eventId) || app.cardId === null) return;
    seen.add(eventId);
    if (movesCardOn(app.stage, stage)) moveTo(stage);
  });

  await publish();
  try {
    const card = await issueCard({ idempotencyKey: workflowInfo().workflowId, reference: input.taskId, physical: input.physical, shipping: input.shipping });
    app.cardId = card.cardId;
    app.panLast4 = card.panLast4;
    moveTo('ISSUED');
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    app.failureReason = err.cause instanceof ApplicationFailure && err.cause.type === 'CardRefused' ? err.cause.message : 'the issuer could not be reached; the fee was kept as credit';
    moveTo('FAILED');
    await releaseCardPayment({ paymentId: input.paymentId, taskId: input.taskId });
  }
  await publish();

  while (app.physical && app.cardId !== null && app.stage !== 'DELIVERED') {
    const stage = app.stage;
    if (!(await condition(() => app.stage !== stage, SHIPPING_WAIT))) break;
    await publish();
  }
  // Callbacks that arrived while the last snapshot was being written (e.g. DELIVERED right after
  // SHIPPED) were not in it; older histories ended without this write.
  if (app.stages.length !== publishedStages && patched('final-fulfilment-projection')) await publish();
  return app;
}
