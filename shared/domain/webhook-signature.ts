import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a webhook delivery is signed, so a receiver knows it came from this deployment and was not
 * replayed: HMAC-SHA256, keyed with the subscription's secret, of `<timestamp>.<body>` (the
 * timestamp in Unix seconds, as sent in `X-Sms-Timestamp`), hex, sent as `X-Sms-Signature: v1=<hex>`.
 */
export const signatureHeaders = {
  id: 'x-sms-event-id',
  timestamp: 'x-sms-timestamp',
  signature: 'x-sms-signature',
} as const;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (the README shows the same): recompute, compare in constant time, refuse old ones. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  if (headers.signature === undefined) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
