import type { PhoneNumber } from '../domain/phone.js';
import type { CoreDeps } from './deps.js';
import { forgetErasedOptOut, newCustomerRecord } from './erased-opt-outs.js';
import { retryOnConflict } from './optimistic.js';

/**
 * The one place consent is written: a customer opted in or out of one channel (a keyword, or a
 * provider saying the recipient blocked us). Creates the customer's record when there is none.
 * `via` says what changed it, in words an agent can read (the keyword, the provider's error).
 */
export async function setConsent(
  deps: Pick<CoreDeps, 'store' | 'clock' | 'metrics' | 'erasureKey'>,
  channelId: string,
  customer: PhoneNumber,
  optedOut: boolean,
  via: string,
): Promise<void> {
  const changed = await retryOnConflict(async () => {
    const stored = await deps.store.getCustomer(channelId, customer);
    // A first record carries an opt-out an erasure kept, so a START from that number lifts it.
    const state = stored?.value ?? (await newCustomerRecord(deps, channelId, customer));
    if (state.optedOut === optedOut) return false;
    const changes = { consentChangedAt: deps.clock.now().toISOString(), consentChangedVia: via };
    await deps.store.putCustomer({ ...state, optedOut, ...changes }, stored?.etag ?? null);
    return true;
  });
  if (changed)
    deps.metrics.add('sms.consent.changes', { channel: channelId, change: optedOut ? 'opt-out' : 'opt-in' });
  // Opting in is rare: the one point read it costs here keeps a kept opt-out from coming back.
  if (changed && !optedOut) await forgetErasedOptOut(deps, channelId, customer);
}
