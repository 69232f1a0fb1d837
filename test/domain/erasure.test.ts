import { describe, expect, it } from 'vitest';
import {
  anonymisedConversation,
  ERASED_CUSTOMER,
  MIN_ERASURE_KEY_LENGTH,
  optOutKey,
} from '../../shared/domain/erasure.js';
import { aConversation, CUSTOMER } from '../support/builders.js';

const KEY = '0123456789abcdef0123456789abcdef';
const ERASED_AT = '2026-12-01T08:00:00.000Z';

describe("the key an erased customer's opt-outs are found by", () => {
  it('is the HMAC-SHA256 of the number with the erasure key, in hex', () => {
    expect(optOutKey(KEY, CUSTOMER)).toBe('64b325d5a7d7e80102a3e602c3f7cd6b5302df8a85dfb0b024ecd3f760cfa31b');
  });

  it('differs with another key, so it cannot be found by hashing every number', () => {
    expect(optOutKey('fedcba9876543210fedcba9876543210', CUSTOMER)).not.toBe(optOutKey(KEY, CUSTOMER));
  });

  it('needs an erasure key of at least 32 characters', () => {
    expect(MIN_ERASURE_KEY_LENGTH).toBe(32);
  });
});

describe('an anonymised conversation', () => {
  const served = aConversation({
    state: 'closed',
    agentId: 'alice',
    customerName: 'Dana Whitfield',
    closedAt: '2026-11-23T09:30:00.000Z',
    survey: {
      sentAt: '2026-11-23T09:30:00.000Z',
      answeredAt: '2026-11-23T09:31:00.000Z',
      score: 2,
      text: '2 - slow',
    },
    wrapUp: {
      code: 'refund',
      label: 'Refund issued',
      note: 'Dana lives at 12 Elm St',
      at: '2026-11-23T09:30:00.000Z',
      by: 'agent:alice',
    },
    traceContext: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  });

  it('names no customer, no name, no survey text, no note and no trace', () => {
    const kept = anonymisedConversation(served, ERASED_AT);
    expect(kept.customer).toBe(ERASED_CUSTOMER);
    expect(ERASED_CUSTOMER).toBe('erased');
    expect(kept.erasedAt).toBe(ERASED_AT);
    expect(kept).not.toHaveProperty('customerName');
    expect(kept).not.toHaveProperty('traceContext');
    expect(JSON.stringify(kept)).not.toContain(CUSTOMER);
    expect(JSON.stringify(kept)).not.toContain('Dana');
    expect(JSON.stringify(kept)).not.toContain('slow');
  });

  it('keeps what the figures count: times, agent, queue, survey score and wrap-up code', () => {
    const { customer: _c, customerName: _n, traceContext: _t, ...counted } = served;
    expect(anonymisedConversation(served, ERASED_AT)).toEqual({
      ...counted,
      customer: 'erased',
      erasedAt: ERASED_AT,
      survey: { sentAt: '2026-11-23T09:30:00.000Z', answeredAt: '2026-11-23T09:31:00.000Z', score: 2 },
      wrapUp: { code: 'refund', label: 'Refund issued', at: '2026-11-23T09:30:00.000Z', by: 'agent:alice' },
    });
  });

  it('adds no survey or wrap-up a conversation did not have', () => {
    const kept = anonymisedConversation(aConversation(), ERASED_AT);
    expect(kept).not.toHaveProperty('survey');
    expect(kept).not.toHaveProperty('wrapUp');
  });

  it('leaves the conversation it was made from as it was', () => {
    anonymisedConversation(served, ERASED_AT);
    expect(served.customer).toBe(CUSTOMER);
    expect(served.survey?.text).toBe('2 - slow');
    expect(served.wrapUp?.note).toBe('Dana lives at 12 Elm St');
  });
});
