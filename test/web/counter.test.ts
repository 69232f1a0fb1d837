import { describe, expect, it } from 'vitest';
import { counterText, countMessage, describeCharacter } from '../../web/src/logic/counter.js';

const a = (n: number) => 'a'.repeat(n);

describe("the composer's live counter", () => {
  it.each([
    ['an empty box is zero characters and zero segments', '', 0, 0, 'GSM-7'],
    ['one GSM-7 segment holds 160 characters', a(160), 160, 1, 'GSM-7'],
    ['the 161st character splits into parts of 153', a(161), 161, 2, 'GSM-7'],
    ['the 307th character needs a third part', a(307), 307, 3, 'GSM-7'],
    ['extension characters are one character but two septets', '€'.repeat(81), 81, 2, 'GSM-7'],
    ['UCS-2 holds 70 in one segment', 'ж'.repeat(70), 70, 1, 'UCS-2'],
    ['and 67 per part after that', 'ж'.repeat(71), 71, 2, 'UCS-2'],
    ['an emoji is one character (the limit counts code points)', '😀'.repeat(35), 35, 1, 'UCS-2'],
    [
      'a split surrogate pair is never counted: 134 units need three parts',
      `${a(66)}😀${a(64)}😀`,
      132,
      3,
      'UCS-2',
    ],
  ] as const)('%s', (_name, text, characters, segments, encoding) => {
    const counter = countMessage(text);
    expect(counter).toMatchObject({ characters, segments, encoding, max: 1600, over: false });
  });

  it('is over the limit at the 1601st character, and not at the 1600th', () => {
    expect(countMessage(a(1600)).over).toBe(false);
    expect(countMessage(a(1601))).toMatchObject({ over: true, characters: 1601 });
  });

  it('points out the first character that forced UCS-2, counting characters from one', () => {
    const counter = countMessage('Thanks for your order’s patience ✓');
    expect(counter.encoding).toBe('UCS-2');
    expect(counter.ucs2Because).toEqual({ character: '’', position: 22 });
  });

  it('counts the position in characters, so an emoji before it counts once', () => {
    expect(countMessage('😀 ok').ucs2Because).toEqual({ character: '😀', position: 1 });
    expect(countMessage('a😀ç').ucs2Because).toEqual({ character: '😀', position: 2 });
  });

  it('names no culprit for a GSM-7 message, accented GSM letters included', () => {
    expect(countMessage('Café à 10€, señor').ucs2Because).toBeUndefined();
  });

  it('names invisible and look-alike characters by their code point', () => {
    expect(describeCharacter('’')).toBe('’ (U+2019)');
    expect(describeCharacter('\u00a0')).toBe('U+00A0');
    expect(describeCharacter('\u200b')).toBe('U+200B');
    expect(describeCharacter('😀')).toBe('😀 (U+1F600)');
  });

  it('reads as characters of the limit, segments and encoding', () => {
    expect(counterText(countMessage(a(161)))).toBe('161/1600 characters · 2 segments · GSM-7');
    expect(counterText(countMessage('ж'))).toBe('1/1600 characters · 1 segment · UCS-2');
  });
});
