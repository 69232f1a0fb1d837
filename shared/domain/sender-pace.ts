import { isTollFree } from './phone.js';

export type NumberType = 'long-code' | 'toll-free' | 'short-code';

/**
 * Carriers pace senders by number type: short codes are fastest, long codes slowest. The outbound
 * worker asks on every send; phone.ts remembers each number's reading, so this costs a lookup.
 */
export function numberType(number: string): NumberType {
  if (/^\d{5,6}$/.test(number)) return 'short-code';
  return isTollFree(number) ? 'toll-free' : 'long-code';
}

/**
 * When a sender number may send next. One record per number, written under its ETag, so every
 * consumer on every instance takes distinct slots and the number's rate holds across them all.
 */
export interface SenderPace {
  number: string;
  /** The earliest instant the next message may go (ISO 8601, rounded up to the millisecond). */
  nextSlotAt: string;
  /**
   * The same instant in whole microseconds since the epoch (exact in a double until 2255): a number
   * with lanes has slots a fraction of a millisecond over a whole one apart. Records written before
   * it lack it.
   */
  nextSlotUs?: number;
}

/**
 * A number's next slot from its pace record, in whole microseconds: now (rounded up), or the slot
 * the record holds if that is later; never one already past, since a text sent late must not share
 * its moment with the next one's slot (a provider would count both in the same second).
 */
export function takeSlot(nowMs: number, pace: SenderPace | undefined, spacingUs: number) {
  const held = pace ? (pace.nextSlotUs ?? Date.parse(pace.nextSlotAt) * 1000) : 0;
  const slotUs = Math.max(Math.ceil(nowMs * 1000), held);
  return { slotUs, nextUs: slotUs + spacingUs };
}

/** The pace record holding `nextUs`: its ISO time rounded up, so a reader of that alone never sends early. */
export function paceRecord(number: string, nextUs: number): SenderPace {
  return { number, nextSlotAt: new Date(Math.ceil(nextUs / 1000)).toISOString(), nextSlotUs: nextUs };
}

/** Messages per second a number may send, by number type (configuration), unless its channel says. */
export interface SendRates {
  longCode: number;
  tollFree: number;
  shortCode: number;
}
