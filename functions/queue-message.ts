import type { InvocationContext } from '@azure/functions';

/** Service Bus' delivery count for this invocation (1 on the first try). */
export function deliveryCount(context: InvocationContext): number {
  const value = context.triggerMetadata?.deliveryCount;
  return typeof value === 'number' && value > 0 ? value : 1;
}
