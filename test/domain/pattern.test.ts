import { describe, expect, it } from 'vitest';
import { compilePattern, patternFinds } from '../../shared/domain/pattern.js';
import { route, routingRuleSchema } from '../../shared/domain/routing.js';

const monday = new Date('2026-11-23T10:00:00Z');

function channelWith(pattern: string) {
  return {
    defaultQueueId: 'general',
    routing: [routingRuleSchema.parse({ when: { pattern }, queueId: 'special' })],
  };
}

const queueFor = (pattern: string, text: string) =>
  route(channelWith(pattern), { text, to: '+14255550100', at: monday, language: 'en' }).queueId;

/**
 * Patterns that make a backtracking engine run for an exponential time on a text that almost
 * matches. On the linear-time engine each one answers at once, so a test run finishing at all is
 * the proof (a backtracking engine would not finish these in a lifetime).
 */
describe('routing patterns on the linear-time engine', () => {
  const almost = `${'a'.repeat(1599)}!`;
  it.each([
    ['nested quantifiers', '^(a+)+$'],
    ['a quantified group of alternatives that overlap', '^(a|a)*$'],
    ['a quantified group of alternatives with a shared prefix', '^(a|aa)+$'],
    ['stacked quantified wildcards', '^(.*a){20}$'],
    ['a word then spaces, repeated', '^(\\w+\\s?)*$'],
  ])('decides %s on 1600 characters that almost match', (_name, pattern) => {
    expect(queueFor(pattern, almost)).toBe('general');
    expect(queueFor(pattern, 'a'.repeat(1600))).toBe('special');
  });

  it('keeps matching as before: anywhere in the text, any case, Unicode letters', () => {
    expect(queueFor('\\border\\s*#?\\d{4,}', 'About ORDER #12345')).toBe('special');
    expect(queueFor('été', 'Bonjour, ÉTÉ 2026')).toBe('special');
    expect(queueFor('caf\\u00e9', 'un CAFÉ')).toBe('special');
    expect(queueFor('(?<order>\\d{5})', 'ref 12345')).toBe('special');
    expect(queueFor('^refund$', 'a refund please')).toBe('general');
  });

  it.each([
    ['a pattern that does not parse', '(', 'not a valid regular expression: missing closing )'],
    ['a lookahead', 'refund(?=now)', 'lookahead'],
    ['a negative lookahead', '^(?!spam)', 'lookaround ((?!...) needs backtracking'],
    ['a lookbehind', '(?<=order )\\d+', 'lookaround ((?<=...) needs backtracking'],
    ['a backreference', '(a+)\\1', 'a backreference (\\1) needs backtracking'],
    ['a repeat count over 1000', 'a{2000}', 'invalid repeat count'],
    ['a pattern of 501 characters', 'a'.repeat(501), 'longer than 500 characters'],
  ])('refuses %s, saying why', (_name, pattern, reason) => {
    const parsed = routingRuleSchema.safeParse({ when: { pattern }, queueId: 'special' });
    expect(parsed.success).toBe(false);
    const message = parsed.error?.issues[0]?.message ?? '';
    expect(message).toMatch(/^not a valid regular expression: /);
    expect(message).toContain(reason.replace('lookahead', 'lookaround ((?=...)'));
  });
});

describe('compiling a pattern', () => {
  it.each([
    ['(', 'missing closing ) at ('],
    ['a**', 'invalid nested repetition operator at **'],
    ['[z-a]', 'invalid character class range at z-a'],
    ['\\', 'trailing backslash at end of expression'],
    ['(?<!x)y', 'lookaround ((?<!...) needs backtracking, which the linear-time engine does not do'],
    ['(a)\\1', 'a backreference (\\1) needs backtracking, which the linear-time engine does not do'],
    // The engine's own flag, (?i), is taken off the front of what it quotes, and only there.
    ['(?<n(?i)>a)', 'invalid named capture at (?P<n(?i)>'],
    // A \1 inside a broken group name is not a backreference.
    ['(?<n\\1>a)', 'invalid named capture at (?P<n\\1>'],
  ])('says what is wrong with %s, and where when it can', (source, reason) => {
    expect(compilePattern(source)).toEqual({ ok: false, reason });
  });

  it('counts the limit in characters: 500 accented letters compile, 501 do not', () => {
    expect(compilePattern('é'.repeat(500)).ok).toBe(true);
    expect(compilePattern('é'.repeat(501))).toEqual({ ok: false, reason: 'longer than 500 characters' });
  });
});

describe('a stored pattern', () => {
  it('finds a match anywhere in the text, in any case', () => {
    expect(patternFinds('ORDER', 'about my order')).toBe(true);
    expect(patternFinds('ORDER', 'about my order')).toBe(true);
    expect(patternFinds('ORDER', 'nothing here')).toBe(false);
  });

  it('saved before patterns were checked and that the engine cannot compile matches nothing', () => {
    expect(patternFinds('refund(?=now)', 'refundnow')).toBe(false);
    expect(patternFinds('refund(?=now)', 'refundnow')).toBe(false);
  });
});
