import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesIn } from '../../shared/domain/mask.js';

describe('masking a phone number for the logs', () => {
  it('keeps the country prefix and the last two digits of an E.164 number', () => {
    expect(maskPhone('+14255550123')).toBe('+1********23');
  });

  it('keeps only the last two digits of a number written without +', () => {
    expect(maskPhone('14255550123')).toBe('*********23');
  });

  it('hides every character of four or fewer, where two digits would be half of it', () => {
    expect(maskPhone('1234')).toBe('****');
    expect(maskPhone('+1')).toBe('**');
    expect(maskPhone('')).toBe('');
  });

  it('from five characters on shows the last two', () => {
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('+1234')).toBe('+1*34');
  });
});

describe('masking the numbers inside free text', () => {
  it('masks a number written with spaces, writing it as digits', () => {
    expect(maskPhonesIn('no channel has the number +1 425 555 0100')).toBe(
      'no channel has the number +1********00',
    );
  });

  it('masks every number in the text, with dots, dashes and parentheses', () => {
    expect(maskPhonesIn('from (425) 555-0123 to 425.555.0100.')).toBe('from (********23 to ********00.');
  });

  it('masks a run of seven digits, a local number', () => {
    expect(maskPhonesIn('call 555-0123 now')).toBe('call *****23 now');
  });

  it('leaves a run of six digits, which is a date or an amount rather than a number', () => {
    expect(maskPhonesIn('order 12-34-56 shipped')).toBe('order 12-34-56 shipped');
  });

  it('leaves ids alone: a UUID or a hash keeps its digits', () => {
    expect(maskPhonesIn('message local:80590109-fc80-4ba2-ad9a-3634ec9ebe39')).toBe(
      'message local:80590109-fc80-4ba2-ad9a-3634ec9ebe39',
    );
  });

  it('leaves text without numbers as it is', () => {
    expect(maskPhonesIn('store unreachable')).toBe('store unreachable');
  });
});
