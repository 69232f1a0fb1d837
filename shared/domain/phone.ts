import {
  type CountryCode,
  type PhoneNumber as LibPhoneNumber,
  ParseError,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/max';
import { ValidationError } from '../errors.js';

/** A valid international number in E.164 form (`+` and up to 15 digits). */
export type PhoneNumber = string & { readonly __brand: 'E164' };

/** A number an SMS may come from or go to: an E.164 number, or a 5-6 digit short code. */
export type SenderNumber = PhoneNumber | (string & { readonly __brand: 'ShortCode' });

const SHORT_CODE = /^[0-9]{5,6}$/;

const reasons: Record<string, string> = {
  NOT_A_NUMBER: 'is not a phone number',
  INVALID_COUNTRY: 'has no valid country code (write it as +<country code><number>)',
  TOO_SHORT: 'is too short',
  TOO_LONG: 'is too long',
  INVALID_LENGTH: 'has an invalid length',
};

/**
 * Parses a customer number. Only `+`-prefixed input is accepted: guessing a country for bare digits
 * would silently route texts to the wrong person. Validation uses the full metadata, so numbers in
 * unassigned ranges are refused, not just numbers of the wrong length.
 */
export function parsePhoneNumber(input: string, field = 'phone number'): PhoneNumber {
  const trimmed = input.trim();
  if (!trimmed.startsWith('+')) {
    throw new ValidationError(
      `${field} must be in international form, starting with + and the country code`,
      [{ path: field, message: 'missing + and country code' }],
    );
  }
  const reading = readNumber(trimmed);
  if (!reading.result) {
    const error = reading.error;
    const reason =
      error instanceof ParseError ? (reasons[error.message] ?? error.message) : 'cannot be parsed';
    throw new ValidationError(`${field} ${reason}`, [{ path: field, message: reason }], { cause: error });
  }
  reading.valid ??= reading.result.isValid();
  if (!reading.valid) {
    throw new ValidationError(`${field} is not a valid number for its country`, [
      { path: field, message: 'not a valid number' },
    ]);
  }
  return reading.result.number as PhoneNumber;
}

/**
 * What libphonenumber made of a number, and what was asked of it since. Numbers repeat (a customer
 * texts many times; our own numbers are on every message and every send's pacing), and reading one
 * against the full metadata is the costliest step of accepting or pacing a message: each number is
 * read once, here, for every question asked of it.
 */
interface Reading {
  result?: LibPhoneNumber;
  error?: unknown;
  valid?: boolean;
  tollFree?: boolean;
}

const READINGS_KEPT = 10_000;
const readings = new Map<string, Reading>();

function readNumber(input: string): Reading {
  const known = readings.get(input);
  if (known) return known;
  let reading: Reading;
  try {
    reading = { result: parsePhoneNumberWithError(input) };
  } catch (error) {
    reading = { error };
  }
  // The bound only keeps a stray caller (a flood of distinct numbers) from growing it without end.
  if (readings.size >= READINGS_KEPT) readings.clear();
  readings.set(input, reading);
  return reading;
}

/** The country a number belongs to, when libphonenumber can tell. */
export function countryOf(number: string): CountryCode | undefined {
  return readNumber(number).result?.country;
}

/** Whether a number is toll-free (false for anything libphonenumber cannot read). */
export function isTollFree(number: string): boolean {
  const reading = readNumber(number);
  reading.tollFree ??= reading.result?.getType() === 'TOLL_FREE';
  return reading.tollFree;
}

/** Parses a channel's own number: an E.164 number or a short code. */
export function parseSenderNumber(input: string, field = 'sender number'): SenderNumber {
  const trimmed = input.trim();
  if (SHORT_CODE.test(trimmed)) return trimmed as SenderNumber;
  return parsePhoneNumber(trimmed, field);
}

export function isPhoneNumber(input: string): boolean {
  try {
    parsePhoneNumber(input);
    return true;
  } catch {
    return false;
  }
}

/** The shape of an E.164 number: `+`, a first digit that is not 0, 7 to 15 digits in all. */
const E164_SHAPE = /^\+[1-9][0-9]{6,14}$/;

/**
 * Whether a number has the form an edge writes it in after parsing (E.164 or a short code). For
 * numbers already parsed, such as on the inbound queue; it checks no country's metadata.
 */
export function isParsedSenderForm(input: string): boolean {
  return E164_SHAPE.test(input) || SHORT_CODE.test(input);
}

/** A customer's number as a provider reports it, and whether libphonenumber vouched for it. */
export interface InboundSender {
  number: PhoneNumber;
  validated: boolean;
}

/**
 * Parses the number a customer's text came from. The provider has already delivered that text, so
 * a number libphonenumber calls invalid for its country (a new range, a test number) or a short
 * code is still the customer's: it is taken as it is and marked not validated, rather than
 * refused (refusing would lose the text). Anything not shaped like a number is refused.
 */
export function parseInboundSender(input: string, field = 'from'): InboundSender {
  try {
    return { number: parsePhoneNumber(input, field), validated: true };
  } catch (error) {
    const trimmed = input.trim();
    if (E164_SHAPE.test(trimmed) || SHORT_CODE.test(trimmed)) {
      return { number: trimmed as PhoneNumber, validated: false };
    }
    throw error;
  }
}
