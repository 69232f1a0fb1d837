import type { InvocationContext } from '@azure/functions';
import { SendError, ValidationError } from '../shared/errors.js';

/** Service Bus' delivery count for this invocation (1 on the first try). */
export function deliveryCount(context: InvocationContext): number {
  const value = context.triggerMetadata?.deliveryCount;
  return typeof value === 'number' && value > 0 ? value : 1;
}

/**
 * A queue message's body as the JSON we sent. The Functions host hands a Service Bus body over
 * parsed, as a string or as bytes depending on how it reads it; the local host passes it parsed.
 */
export function queueBody(message: unknown): unknown {
  const text = Buffer.isBuffer(message)
    ? message.toString('utf8')
    : typeof message === 'string'
      ? message
      : undefined;
  if (text === undefined) return message;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError('the queue message is not JSON', [], { cause: error });
  }
}

/** Longest a failed queue message waits before its next try. */
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * How long a failed queue message waits before its next delivery: the provider's Retry-After when
 * it gave one, else exponential backoff (1 s, 2 s, 4 s ... at most a minute). Both hosts keep the
 * message's session meanwhile, so the messages behind it keep their order.
 */
export function retryDelayMs(error: unknown, deliveryCount: number): number {
  if (error instanceof SendError && error.retryAfterMs)
    return Math.min(MAX_RETRY_DELAY_MS, error.retryAfterMs);
  return Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (Math.max(1, deliveryCount) - 1));
}
