import { describe, expect, it } from 'vitest';
import { type RoutingRule, route, routesTo, routingRuleSchema } from '../../shared/domain/routing.js';

const rules: RoutingRule[] = [
  { when: { keywords: ['refund', 'invoice'] }, queueId: 'billing', skills: ['billing'] },
  { when: { pattern: '\\border\\s*#?\\d{4,}' }, queueId: 'orders', skills: [] },
  { when: { numbers: ['+14255550101'] }, queueId: 'vip', skills: ['vip'] },
  {
    when: {
      during: {
        timeZone: 'UTC',
        weekly: { sat: [{ from: '00:00', to: '24:00' }], sun: [{ from: '00:00', to: '24:00' }] },
        holidays: [],
        exceptions: [],
      },
    },
    queueId: 'weekend',
    skills: [],
  },
].map((rule) => routingRuleSchema.parse(rule));
const channel = { defaultQueueId: 'general', routing: rules };
const monday = new Date('2026-11-23T10:00:00Z');
const saturday = new Date('2026-11-28T10:00:00Z');

describe('routing rules', () => {
  it.each([
    ['a keyword, any case', 'Where is my REFUND?', '+14255550100', monday, 'billing', ['billing']],
    ['a keyword only as a whole word', 'refundable items', '+14255550100', monday, 'general', []],
    ['a pattern', 'About order #12345', '+14255550100', monday, 'orders', []],
    ['the number written to', 'Hello', '+14255550101', monday, 'vip', ['vip']],
    ['the time it arrived', 'Hello', '+14255550100', saturday, 'weekend', []],
    ['the first match wins', 'refund for order 12345', '+14255550101', saturday, 'billing', ['billing']],
    ['no match: the default queue', 'Hello', '+14255550100', monday, 'general', []],
  ])('%s', (_name, text, to, at, queueId, skills) => {
    expect(route(channel, { text, to, at, language: 'en' })).toMatchObject({ queueId, skills });
  });

  const byCustomer = {
    defaultQueueId: 'general',
    routing: [
      { when: { contact: { attributes: { tier: ['gold', 'platinum'] } } }, queueId: 'vip', skills: ['vip'] },
      { when: { contact: { attributes: { region: 'emea' } } }, queueId: 'emea' },
      { when: { languages: ['fr'] }, queueId: 'french' },
      { when: { languages: ['es', 'pt'] }, queueId: 'iberian' },
      { when: { contact: { known: false } }, queueId: 'new-customers' },
    ].map((rule) => routingRuleSchema.parse(rule)),
  };
  const message = { text: 'Bonjour', to: '+14255550100', at: monday };
  const gold = { language: 'en', attributes: { tier: 'gold' } };

  it.each([
    ['a contact attribute among the values given', { contact: gold, language: 'en' }, 'vip'],
    [
      'a contact whose attribute is not among them',
      { contact: { attributes: { tier: 'bronze' } }, language: 'en' },
      'general',
    ],
    [
      'a contact attribute equal to the one value given',
      { contact: { attributes: { region: 'emea' } }, language: 'en' },
      'emea',
    ],
    ['the customer language, French', { contact: { attributes: {} }, language: 'fr' }, 'french'],
    ['a language among several given', { contact: { attributes: {} }, language: 'pt-BR' }, 'iberian'],
    ['a regional variant of the language', { contact: { attributes: {} }, language: 'fr-CA' }, 'french'],
    [
      'not a language that only starts the same (fre is not fr)',
      { contact: { attributes: {} }, language: 'fre' },
      'general',
    ],
    ['an unknown customer (no contact record)', { contact: undefined, language: 'en' }, 'new-customers'],
    ['a known contact matching nothing', { contact: { attributes: {} }, language: 'en' }, 'general'],
  ])('routes on %s', (_name, customer, queueId) => {
    expect(route(byCustomer, { ...message, ...customer }).queueId).toBe(queueId);
  });

  it('refuses a rule with a broken pattern or a bad number, saying which number and why', () => {
    expect(routingRuleSchema.safeParse({ when: { pattern: '(' }, queueId: 'x' }).success).toBe(false);
    expect(routingRuleSchema.safeParse({ when: { numbers: ['+1425'] }, queueId: 'x' }).error?.issues).toEqual(
      [
        expect.objectContaining({
          path: ['when', 'numbers', 0],
          message: 'number is not a valid number for its country',
        }),
      ],
    );
  });

  it('routes into its default queue and each rule’s queue, and no other', () => {
    expect(['general', 'billing', 'orders', 'vip', 'weekend'].every((q) => routesTo(channel, q))).toBe(true);
    expect(routesTo(channel, 'sales')).toBe(false);
    expect(routesTo({ defaultQueueId: 'general', routing: [] }, 'billing')).toBe(false);
  });
});
