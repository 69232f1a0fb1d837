import { describe, expect, it } from 'vitest';
import { countSegments } from '../../shared/domain/segments.js';

const a = (n: number) => 'a'.repeat(n);

describe('SMS segment count', () => {
  it.each([
    ['one GSM-7 segment holds 160 characters', a(160), 'GSM-7', 1, 160],
    ['the 161st character splits into parts of 153', a(161), 'GSM-7', 2, 161],
    ['two parts hold 306', a(306), 'GSM-7', 2, 306],
    ['the 307th character needs a third part', a(307), 'GSM-7', 3, 307],
    ['GSM-7 accented letters cost one septet', 'é'.repeat(160), 'GSM-7', 1, 160],
    ['extension characters cost two septets', '€'.repeat(80), 'GSM-7', 1, 160],
    ['so 81 of them need two segments', '€'.repeat(81), 'GSM-7', 2, 162],
    ['every extension character counts two', '^{}\\[]~|€\f', 'GSM-7', 1, 20],
    ['one character outside GSM-7 makes the message UCS-2', `${a(69)}ç`, 'UCS-2', 1, 70],
    ['UCS-2 holds 70 units in one segment', 'ж'.repeat(70), 'UCS-2', 1, 70],
    ['and 67 per part after that', 'ж'.repeat(71), 'UCS-2', 2, 71],
    ['an emoji is a surrogate pair: two UTF-16 units', '😀'.repeat(35), 'UCS-2', 1, 70],
  ] as const)('%s', (_name, text, encoding, segments, units) => {
    expect(countSegments(text)).toEqual({ encoding, segments, units });
  });

  it('never splits an escape pair: 306 septets that a division would fit in two parts need three', () => {
    const text = `${a(152)}€${a(150)}€`;
    expect(countSegments(text)).toEqual({ encoding: 'GSM-7', segments: 3, units: 306 });
  });

  it('never splits a surrogate pair: 134 units that a division would fit in two parts need three', () => {
    const text = `${a(66)}😀${a(64)}😀`;
    expect(countSegments(text)).toEqual({ encoding: 'UCS-2', segments: 3, units: 134 });
  });
});
