import type { Channel } from '../domain/channel.js';
import { typeOf } from '../domain/channel-number.js';
import { outboundSession, sendLanes, slotSpacingUs } from '../domain/send-lanes.js';
import { numberType, paceRecord, type SendRates, takeSlot } from '../domain/sender-pace.js';
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
 * millisecond. Slots are spaced for the number's rate and lanes (send-lanes.ts) and taken under the
 * pace record's ETag, so no two senders anywhere share one.
 */
export async function reserveSendSlot(
  deps: CoreDeps,
  number: string,
  ratePerSecond: number,
): Promise<number> {
  const spacing = slotSpacingUs(ratePerSecond, sendLanes(ratePerSecond));
  return retryOnConflict(async () => {
    const now = deps.pacingClock.nowMs();
    const stored = await deps.store.getSenderPace(number);
    const { slotUs, nextUs } = takeSlot(now, stored?.value, spacing);
    await deps.store.putSenderPace(paceRecord(number, nextUs), stored?.etag ?? null);
    return Math.max(0, slotUs / 1000 - now);
  });
}

/** The outbound session a text to `to` from `from` joins: its number's lane for that customer. */
export function outboundSessionFor(
  rates: SendRates,
  channel: Pick<Channel, 'sendRatePerSecond' | 'numbers'>,
  from: string,
  to: string,
): string {
  return outboundSession(from, to, sendLanes(rateFor(rates, channel, from)));
}
