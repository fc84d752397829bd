import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Server-to-server callbacks (payment processor, card issuer, liveness vendor) are signed as
 * `hex(HMAC-SHA256(secret, "<timestamp ms>.<raw body>"))` with the timestamp in its own header; a
 * receiver accepts only a matching signature within a time window, so replays go stale.
 */
export const signBody = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

export function checkSignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: string,
  nowMs: number,
  windowMs = 5 * 60_000,
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{13}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return 'missing';
  if (Math.abs(nowMs - Number(timestamp)) > windowMs) return 'stale';
  const expected = Buffer.from(signBody(secret, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? 'ok' : 'mismatch';
}
