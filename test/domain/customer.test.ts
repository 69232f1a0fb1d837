import { describe, expect, it } from 'vitest';
import { newCustomerState, PROCESSED_IDS_KEPT, rememberProcessed } from '../../shared/domain/customer.js';
import type { PhoneNumber } from '../../shared/domain/phone.js';

const CUSTOMER = '+14255550123' as PhoneNumber;

describe("a customer's state on a channel", () => {
  it('starts with no conversation, no message seen, consent given and no agent', () => {
    expect(newCustomerState('support', CUSTOMER)).toEqual({
      channelId: 'support',
      customer: CUSTOMER,
      openConversationId: null,
      processedMessageIds: [],
      optedOut: false,
      lastAgentId: null,
    });
  });

  it('remembers the messages it stored, newest last', () => {
    const state = rememberProcessed(
      rememberProcessed(newCustomerState('support', CUSTOMER), 'acs:m1'),
      'acs:m2',
    );
    expect(state.processedMessageIds).toEqual(['acs:m1', 'acs:m2']);
  });

  it('remembers a redelivered message once, as the newest', () => {
    let state = newCustomerState('support', CUSTOMER);
    for (const id of ['acs:m1', 'acs:m2', 'acs:m1']) state = rememberProcessed(state, id);
    expect(state.processedMessageIds).toEqual(['acs:m2', 'acs:m1']);
  });

  it(`keeps the newest ${PROCESSED_IDS_KEPT} ids`, () => {
    let state = newCustomerState('support', CUSTOMER);
    for (let n = 1; n <= 101; n += 1) state = rememberProcessed(state, `acs:m${n}`);
    expect(PROCESSED_IDS_KEPT).toBe(100);
    expect(state.processedMessageIds).toHaveLength(100);
    expect(state.processedMessageIds[0]).toBe('acs:m2');
    expect(state.processedMessageIds.at(-1)).toBe('acs:m101');
  });
});
