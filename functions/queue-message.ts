import type { InvocationContext } from '@azure/functions';
import { ValidationError } from '../shared/errors.js';

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
