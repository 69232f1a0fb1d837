import { describe, expect, it } from 'vitest';
import { numberType } from '../../shared/domain/sender-pace.js';

describe('the type of a sender number, which sets its pace', () => {
  it('a five or six digit number is a short code', () => {
    expect(numberType('55123')).toBe('short-code');
    expect(numberType('551234')).toBe('short-code');
  });

  it('four or seven digits are no short code', () => {
    expect(numberType('5512')).toBe('long-code');
    expect(numberType('5512345')).toBe('long-code');
  });

  it('a North American 800 number is toll-free', () => {
    expect(numberType('+18005550100')).toBe('toll-free');
  });

  it('a geographic number is a long code', () => {
    expect(numberType('+14255550100')).toBe('long-code');
    expect(numberType('+33612345678')).toBe('long-code');
  });

  it('a number that cannot be read is paced as a long code, the slowest', () => {
    expect(numberType('not a number')).toBe('long-code');
  });
});
