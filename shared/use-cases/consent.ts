import { newCustomerState } from '../domain/customer.js';
import type { PhoneNumber } from '../domain/phone.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/**
 * The one place consent is written: a customer opted in or out of one channel (a keyword, or a
 * provider saying the recipient blocked us). Creates the customer's record when there is none.
 * `via` says what changed it, in words an agent can read (the keyword, the provider's error).
 */
export async function setConsent(
  deps: Pick<CoreDeps, 'store' | 'clock' | 'metrics'>,
  channelId: string,
  customer: PhoneNumber,
  optedOut: boolean,
  via: string,
): Promise<void> {
  const changed = await retryOnConflict(async () => {
    const stored = await deps.store.getCustomer(channelId, customer);
    if (stored?.value.optedOut === optedOut) return false;
    const state = stored?.value ?? newCustomerState(channelId, customer);
    if (!stored && !optedOut) return false;
    const changes = { consentChangedAt: deps.clock.now().toISOString(), consentChangedVia: via };
    await deps.store.putCustomer({ ...state, optedOut, ...changes }, stored?.etag ?? null);
    return true;
  });
  if (changed)
    deps.metrics.add('sms.consent.changes', { channel: channelId, change: optedOut ? 'opt-out' : 'opt-in' });
}
