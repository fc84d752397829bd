import { proxyActivities } from '@temporalio/workflow';
import type { WebhookActivities, WebhookEvent } from '../activities/webhook.activities.js';

// Receivers may be down for a while: keep retrying with backoff (as the profile workflow does).
const { deliverWebhook } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 50 },
});

/**
 * Delivers one event on its own, so whoever raised it (an erasure, a retention sweep) does not
 * wait for a slow receiver. Its id is the event's (`webhookDeliveryWorkflowId`): delivered once.
 */
export async function webhookDeliveryWorkflow(event: WebhookEvent): Promise<void> {
  await deliverWebhook(event);
}
