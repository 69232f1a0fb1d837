import type { Channel } from '../domain/channel.js';
import { typeOf } from '../domain/channel-number.js';
import { numberType, type SendRates } from '../domain/sender-pace.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/**
 * A number's pace: the channel's own rate, else by the number's type as the admin set it (read from
 * the number when unset, and for a number the channel no longer lists).
 */
export function rateFor(
  rates: SendRates,
  channel: Pick<Channel, 'sendRatePerSecond' | 'numbers'>,
  number: string,
): number {
  if (channel.sendRatePerSecond) return channel.sendRatePerSecond;
  const entry = channel.numbers.find((candidate) => candidate.number === number);
  const type = entry ? typeOf(entry) : numberType(number);
  return type === 'short-code' ? rates.shortCode : type === 'toll-free' ? rates.tollFree : rates.longCode;
}

/**
 * Takes the number's next send slot and says how long to wait for it, to the fraction of a
 * millisecond. Slots are spaced by the number's rate and taken under the pace record's ETag, so no
 * two senders anywhere share one. The record keeps whole milliseconds, so the next slot is rounded
 * up: at 3 a second slots 333 ms apart would fit four sends into one second, 334 never do.
 */
export async function reserveSendSlot(
  deps: CoreDeps,
  number: string,
  ratePerSecond: number,
): Promise<number> {
  const spacing = 1000 / ratePerSecond;
  return retryOnConflict(async () => {
    const now = deps.pacingClock.nowMs();
    const stored = await deps.store.getSenderPace(number);
    // A number with no slot waiting sends in the current millisecond: counting its fraction into
    // the next slot would push that slot into the millisecond after, and lose up to one each time.
    const slot = Math.max(Math.floor(now), stored ? Date.parse(stored.value.nextSlotAt) : 0);
    await deps.store.putSenderPace(
      { number, nextSlotAt: new Date(Math.ceil(slot + spacing)).toISOString() },
      stored?.etag ?? null,
    );
    return Math.max(0, slot - now);
  });
}
