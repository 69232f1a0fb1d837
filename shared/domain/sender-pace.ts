import { parsePhoneNumberWithError } from 'libphonenumber-js/max';

export type NumberType = 'long-code' | 'toll-free' | 'short-code';

/** Numbers whose type was read; parsing a number costs more than the rest of a send's pacing. */
const knownTypes = new Map<string, NumberType>();
/** A deployment has a few hundred numbers at most; the bound only keeps a stray caller from growing it. */
const KNOWN_TYPES_MAX = 10_000;

function readType(number: string): NumberType {
  if (/^\d{5,6}$/.test(number)) return 'short-code';
  try {
    return parsePhoneNumberWithError(number).getType() === 'TOLL_FREE' ? 'toll-free' : 'long-code';
  } catch {
    return 'long-code';
  }
}

/**
 * Carriers pace senders by number type: short codes are fastest, long codes slowest. A number's
 * type never changes, and the outbound worker asks for it on every send: read once, remembered.
 */
export function numberType(number: string): NumberType {
  const known = knownTypes.get(number);
  if (known) return known;
  const type = readType(number);
  if (knownTypes.size >= KNOWN_TYPES_MAX) knownTypes.clear();
  knownTypes.set(number, type);
  return type;
}

/**
 * When a sender number may send next. One record per number, written under its ETag, so every
 * consumer on every instance takes distinct slots and the number's rate holds across them all.
 */
export interface SenderPace {
  number: string;
  /** The earliest instant the next message may go (ISO 8601). */
  nextSlotAt: string;
}

/** Messages per second a number may send, by number type (configuration), unless its channel says. */
export interface SendRates {
  longCode: number;
  tollFree: number;
  shortCode: number;
}
