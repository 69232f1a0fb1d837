import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type ConversationEvent,
  type ConversationState,
  conversationStates,
  holdsCapacity,
  transition,
} from '../../shared/domain/conversation.js';
import { InvalidTransitionError } from '../../shared/errors.js';
import { aConversation } from '../support/builders.js';

const AT = '2026-11-23T10:00:00.000Z';
const agent: Actor = { kind: 'agent', agentId: 'alice' };

const events: Record<string, ConversationEvent> = {
  assign: { type: 'assign', agentId: 'alice' },
  'set-aside': { type: 'set-aside' },
  'customer-returned (agent available)': { type: 'customer-returned', agentAvailable: true },
  'customer-returned (agent gone)': { type: 'customer-returned', agentAvailable: false },
  end: { type: 'end' },
  close: { type: 'close', reason: 'auto-close' },
  'transfer-to-queue': { type: 'transfer-to-queue', queueId: 'billing' },
  'transfer-to-agent': { type: 'transfer-to-agent', agentId: 'bob' },
};

/** Every state against every event: the resulting state, or null when the move is refused. */
const table: Record<ConversationState, Record<keyof typeof events, ConversationState | null>> = {
  open: {
    assign: 'active',
    'set-aside': null,
    'customer-returned (agent available)': null,
    'customer-returned (agent gone)': null,
    end: null,
    close: 'closed',
    'transfer-to-queue': 'open',
    'transfer-to-agent': 'active',
  },
  active: {
    assign: null,
    'set-aside': 'waiting',
    'customer-returned (agent available)': null,
    'customer-returned (agent gone)': null,
    end: 'wrap-up',
    close: 'closed',
    'transfer-to-queue': 'open',
    'transfer-to-agent': 'active',
  },
  waiting: {
    assign: null,
    'set-aside': null,
    'customer-returned (agent available)': 'active',
    'customer-returned (agent gone)': 'open',
    end: 'wrap-up',
    close: 'closed',
    'transfer-to-queue': 'open',
    'transfer-to-agent': 'active',
  },
  'wrap-up': {
    assign: null,
    'set-aside': null,
    'customer-returned (agent available)': null,
    'customer-returned (agent gone)': null,
    end: null,
    close: 'closed',
    'transfer-to-queue': null,
    'transfer-to-agent': null,
  },
  closed: {
    assign: null,
    'set-aside': null,
    'customer-returned (agent available)': null,
    'customer-returned (agent gone)': null,
    end: null,
    close: null,
    'transfer-to-queue': null,
    'transfer-to-agent': null,
  },
};

const cases = conversationStates.flatMap((state) =>
  Object.keys(events).map((name) => ({ state, name, expected: table[state][name] ?? null })),
);

describe('conversation state machine', () => {
  it.each(cases)('$state + $name -> $expected', ({ state, name, expected }) => {
    const before = aConversation({ state, agentId: state === 'open' ? null : 'alice' });
    const event = events[name] as ConversationEvent;
    if (expected === null) {
      expect(() => transition(before, event, agent, AT)).toThrow(InvalidTransitionError);
      return;
    }
    const after = transition(before, event, agent, AT);
    expect(after.state).toBe(expected);
    expect(after.history.at(-1)).toMatchObject({ from: state, to: expected, at: AT, by: 'agent:alice' });
    expect(after.history).toHaveLength(before.history.length + 1);
  });

  it('is pure: the conversation passed in is left as it was', () => {
    const before = aConversation();
    const copy = structuredClone(before);
    transition(before, events.assign as ConversationEvent, { kind: 'system' }, AT);
    expect(before).toEqual(copy);
  });

  it('records who, when and why', () => {
    const active = transition(aConversation(), { type: 'assign', agentId: 'alice' }, { kind: 'system' }, AT);
    const closed = transition(
      active,
      { type: 'close', reason: 'idle for 30 minutes' },
      { kind: 'system' },
      AT,
    );
    expect(closed.history.map(({ to, by, reason }) => ({ to, by, reason }))).toEqual([
      { to: 'open', by: 'customer', reason: 'first message' },
      { to: 'active', by: 'system', reason: 'assigned' },
      { to: 'closed', by: 'system', reason: 'idle for 30 minutes' },
    ]);
    expect(closed.closedAt).toBe(AT);
  });

  it('gives the agent on assignment and drops them when the customer returns to an absent agent', () => {
    const active = transition(aConversation(), { type: 'assign', agentId: 'bob' }, { kind: 'system' }, AT);
    expect(active.agentId).toBe('bob');
    const waiting = transition(active, { type: 'set-aside' }, agent, AT);
    const reopened = transition(
      waiting,
      { type: 'customer-returned', agentAvailable: false },
      { kind: 'customer' },
      AT,
    );
    expect(reopened).toMatchObject({ state: 'open', agentId: null });
  });

  it('says which move was refused and why', () => {
    expect(() => transition(aConversation({ state: 'closed' }), { type: 'end' }, agent, AT)).toThrow(
      'conversation conv-1 is closed; cannot end',
    );
  });

  it('counts active and wrap-up against capacity, but not waiting', () => {
    expect(conversationStates.filter(holdsCapacity)).toEqual(['active', 'wrap-up']);
  });
});
