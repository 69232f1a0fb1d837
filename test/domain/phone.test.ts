import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isPhoneNumber,
  parseInboundSender,
  parsePhoneNumber,
  parseSenderNumber,
} from '../../shared/domain/phone.js';
import { ValidationError } from '../../shared/errors.js';
import { thrownValidation as thrown } from '../support/thrown.js';

interface Vector {
  input: string;
  e164?: string;
  max_isValid: boolean;
}
const vectors = (
  JSON.parse(
    readFileSync(new URL('../fixtures/phone-number-validation-vectors.json', import.meta.url), 'utf8'),
  ) as {
    rows: Vector[];
  }
).rows;

describe('customer phone numbers', () => {
  const accepted = vectors.filter((v) => v.input.trim().startsWith('+') && v.max_isValid);
  const refused = vectors.filter((v) => !(v.input.trim().startsWith('+') && v.max_isValid));

  it('the published vectors cover both outcomes', () => {
    expect(accepted.length).toBeGreaterThan(2);
    expect(refused.length).toBeGreaterThan(2);
  });

  it.each(accepted)('accepts $input as $e164', ({ input, e164 }) => {
    expect(parsePhoneNumber(input)).toBe(e164);
  });

  it.each(refused)('refuses $input with a validation error', ({ input }) => {
    expect(() => parsePhoneNumber(input)).toThrow(ValidationError);
  });

  it('refuses bare digits instead of guessing a country, and says how to write the number', () => {
    expect(() => parsePhoneNumber('14255550123', 'from')).toThrow(
      'from must be in international form, starting with + and the country code',
    );
  });

  it('names the field and the reason', () => {
    expect(() => parsePhoneNumber('+1425', 'to')).toThrow(/^to /);
    expect(() => parsePhoneNumber('+12223333333', 'from')).toThrow(
      'from is not a valid number for its country',
    );
    expect(() => parsePhoneNumber('+hello', 'from')).toThrow(/from (is not a phone number|has|is too)/);
  });
});

describe('sender numbers', () => {
  it('accept short codes of five or six digits as they are', () => {
    expect(parseSenderNumber('12345')).toBe('12345');
    expect(parseSenderNumber('123456')).toBe('123456');
  });

  it('accept E.164 numbers and refuse everything else', () => {
    expect(parseSenderNumber(' +1 425 555 0100 ')).toBe('+14255550100');
    expect(() => parseSenderNumber('1234')).toThrow(ValidationError);
    expect(() => parseSenderNumber('1234567')).toThrow(ValidationError);
  });
});

describe('the number a customer texted from', () => {
  it('is validated when libphonenumber knows it', () => {
    expect(parseInboundSender('+14255550123')).toEqual({ number: '+14255550123', validated: true });
  });

  it('is taken as given, not validated, when shaped like E.164 or a short code', () => {
    expect(parseInboundSender('+10005550123')).toEqual({ number: '+10005550123', validated: false });
    expect(parseInboundSender(' +999123456789 ')).toEqual({ number: '+999123456789', validated: false });
    expect(parseInboundSender('55123')).toEqual({ number: '55123', validated: false });
  });

  it('is refused when not shaped like a number', () => {
    for (const input of ['nobody', '14255550123', '+1425', '+0123456789', '+1234567890123456', '1234']) {
      expect(() => parseInboundSender(input)).toThrow(ValidationError);
    }
  });
});

describe('what a refused number tells the caller', () => {
  it('names the field in the message and the issue, "phone number" unless told', () => {
    const bare = thrown(() => parsePhoneNumber('14255550123'));
    expect(bare.message).toBe(
      'phone number must be in international form, starting with + and the country code',
    );
    expect(bare.issues).toEqual([{ path: 'phone number', message: 'missing + and country code' }]);
    const invalid = thrown(() => parsePhoneNumber('+12223333333', 'to'));
    expect(invalid.issues).toEqual([{ path: 'to', message: 'not a valid number' }]);
  });

  it('gives the parser’s reason in words, with the parser’s error as the cause', () => {
    const short = thrown(() => parsePhoneNumber('+1', 'to'));
    expect(short.message).toMatch(/^to (is too short|has an invalid length|is not a phone number)$/);
    expect(short.issues).toEqual([{ path: 'to', message: short.message.slice('to '.length) }]);
    expect(short.cause).toBeInstanceOf(Error);
  });

  it('names a sender number and an inbound sender by their own fields unless told', () => {
    expect(() => parseSenderNumber('12')).toThrow(/^sender number /);
    expect(() => parseInboundSender('hello')).toThrow(/^from /);
  });

  it('is the same number however often it is asked, trimmed of blanks', () => {
    expect(parsePhoneNumber(' +14255550123 ')).toBe('+14255550123');
    expect(parsePhoneNumber('+14255550123')).toBe(parsePhoneNumber('+14255550123'));
    expect(parseSenderNumber(' 12345 ')).toBe('12345');
    expect(parseSenderNumber(' +14255550100 ')).toBe('+14255550100');
  });
});

describe('whether a string is a phone number', () => {
  it('is true for a valid international number and false otherwise', () => {
    expect(isPhoneNumber('+14255550123')).toBe(true);
    expect(isPhoneNumber('14255550123')).toBe(false);
    expect(isPhoneNumber('+12223333333')).toBe(false);
  });
});
