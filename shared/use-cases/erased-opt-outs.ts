import { type CustomerState, newCustomerState } from '../domain/customer.js';
import { type ErasedOptOut, optOutKey } from '../domain/erasure.js';
import type { PhoneNumber } from '../domain/phone.js';
import type { Stored } from '../ports.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

type Deps = Pick<CoreDeps, 'store' | 'erasureKey'>;

/**
 * Whether an erased customer with this number had opted out of the channel. Read only where a
 * number has no record on the channel (a first contact), so a customer already known costs nothing
 * more: one point read of the erased opt-outs (docs/cosmos.md).
 */
export async function erasedOptOut(deps: Deps, channelId: string, number: PhoneNumber): Promise<boolean> {
  return (await erasureOf(deps, number))?.channelIds.includes(channelId) ?? false;
}

/** What the last erasure of this number left: the opt-outs it kept and when it ran. */
export async function erasureOf(deps: Deps, number: PhoneNumber): Promise<ErasedOptOut | undefined> {
  if (!deps.erasureKey) return undefined;
  return (await deps.store.getErasedOptOut(optOutKey(deps.erasureKey, number)))?.value;
}

/** Whether nothing may be sent to the number on the channel (its record, else an erasure's opt-out). */
export async function optedOutOf(
  deps: Deps,
  channelId: string,
  number: PhoneNumber,
  stored: Stored<CustomerState> | undefined,
): Promise<boolean> {
  if (stored) return stored.value.optedOut;
  return erasedOptOut(deps, channelId, number);
}

/** A first record of a customer on a channel: opted out already when an erased customer was. */
export async function newCustomerRecord(
  deps: Deps,
  channelId: string,
  number: PhoneNumber,
): Promise<CustomerState> {
  const state = newCustomerState(channelId, number);
  return (await erasedOptOut(deps, channelId, number)) ? { ...state, optedOut: true } : state;
}

/**
 * The customer opted back in where an erasure had kept their opt-out: the channel leaves the erased
 * record (their own record says it from now on).
 */
export async function forgetErasedOptOut(deps: Deps, channelId: string, number: PhoneNumber) {
  const secret = deps.erasureKey;
  if (!secret) return;
  await retryOnConflict(async () => {
    const stored = await deps.store.getErasedOptOut(optOutKey(secret, number));
    if (!stored?.value.channelIds.includes(channelId)) return;
    const channelIds = stored.value.channelIds.filter((id) => id !== channelId);
    await deps.store.putErasedOptOut({ ...stored.value, channelIds }, stored.etag);
  });
}
