import { signBody } from '../domain/hmac-signature.js';

/** An outbound event about a profile. No PII: ids, stages and decisions only. */
export interface WebhookEvent {
  /** Stable across retries, so receivers can drop duplicates. */
  eventId: string;
  type: 'kyc.status.changed' | 'kyc.decision' | 'kyc.review.overdue' | 'kyc.profile.erased' | 'kyc.screening.hit';
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface WebhookConfig {
  url: string | undefined;
  secret: string;
}

/**
 * Delivers events to the configured URL: JSON body, `x-kycflow-event-id`, `x-kycflow-timestamp`
 * and `x-kycflow-signature` (hex HMAC-SHA256 of "<timestamp>.<body>"). Anything but 2xx throws,
 * and the activity's retry policy tries again with backoff.
 */
export function createWebhookActivities(config: WebhookConfig) {
  return {
    async deliverWebhook(event: WebhookEvent): Promise<void> {
      if (!config.url) return;
      const body = JSON.stringify(event);
      const timestamp = String(Date.now());
      const res = await fetch(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-kycflow-event-id': event.eventId,
          'x-kycflow-timestamp': timestamp,
          'x-kycflow-signature': signBody(config.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook receiver answered ${res.status}`);
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
