import { describe, expect, it } from 'vitest';
import {
  type Actor,
  actorName,
  type Conversation,
  type ConversationEvent,
  type ConversationState,
  caseNumberOf,
  conversationStates,
  holdsCapacity,
  openConversation,
  statesInList,
  statesTakingMessages,
  transition,
  unclosedStates,
} from '../../shared/domain/conversation.js';
import { InvalidTransitionError } from '../../shared/errors.js';
import { aConversation, CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';

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

describe('a new conversation', () => {
  it('opens in its queue, unassigned, with a case number and the first step of its history', () => {
    const opened = openConversation({
      id: 'conv-9',
      channelId: 'support',
      channelNumber: SUPPORT_NUMBER,
      customer: CUSTOMER,
      queueId: 'billing',
      requiredSkills: ['billing'],
      customerName: 'Ann',
      language: 'fr',
      at: AT,
    });
    expect(opened).toStrictEqual({
      id: 'conv-9',
      channelId: 'support',
      channelNumber: SUPPORT_NUMBER,
      customer: CUSTOMER,
      queueId: 'billing',
      requiredSkills: ['billing'],
      customerName: 'Ann',
      language: 'fr',
      caseNumber: caseNumberOf('conv-9'),
      state: 'open',
      agentId: null,
      createdAt: AT,
      lastActivityAt: AT,
      lastSeq: 0,
      closedAt: null,
      history: [{ from: null, to: 'open', at: AT, by: 'customer', reason: 'first message' }],
    });
  });

  it('gets a case number a person can read out: C and eight hex characters, the same for the same id', () => {
    expect(caseNumberOf('conv-9')).toMatch(/^C[0-9A-F]{8}$/);
    expect(caseNumberOf('conv-9')).toBe(caseNumberOf('conv-9'));
    expect(caseNumberOf('conv-10')).not.toBe(caseNumberOf('conv-9'));
  });
});

describe('who moved a conversation', () => {
  it('is named by kind, with the agent or the supervisor’s user', () => {
    expect(actorName({ kind: 'agent', agentId: 'alice' })).toBe('agent:alice');
    expect(actorName({ kind: 'supervisor', userId: 'u-7' })).toBe('supervisor:u-7');
    expect(actorName({ kind: 'customer' })).toBe('customer');
    expect(actorName({ kind: 'system' })).toBe('system');
  });
});

describe('why each move happened', () => {
  const active = aConversation({ state: 'active', agentId: 'alice', toldPosition: 3 });
  const waiting = aConversation({ state: 'waiting', agentId: 'alice' });
  const reason = (c: Conversation) => c.history.at(-1)?.reason;

  it('records the reason of each move in words', () => {
    expect(reason(transition(aConversation(), events.assign as ConversationEvent, agent, AT))).toBe(
      'assigned',
    );
    expect(reason(transition(active, { type: 'set-aside' }, agent, AT))).toBe('set aside by agent');
    expect(reason(transition(waiting, { type: 'customer-returned', agentAvailable: true }, agent, AT))).toBe(
      'customer replied',
    );
    expect(reason(transition(waiting, { type: 'customer-returned', agentAvailable: false }, agent, AT))).toBe(
      'customer replied; agent unavailable',
    );
    expect(reason(transition(active, { type: 'end' }, agent, AT))).toBe('ended by agent');
    expect(reason(transition(active, { type: 'transfer-to-queue', queueId: 'billing' }, agent, AT))).toBe(
      'transferred to queue billing',
    );
    expect(reason(transition(active, { type: 'transfer-to-agent', agentId: 'bob' }, agent, AT))).toBe(
      'transferred to agent bob',
    );
  });

  it('sends a transfer to a queue back unassigned, its place in line to be told again', () => {
    const moved = transition(active, { type: 'transfer-to-queue', queueId: 'billing' }, agent, AT);
    expect(moved).toMatchObject({ state: 'open', queueId: 'billing', agentId: null });
    expect(moved.toldPosition).toBeUndefined();
    const returned = transition(
      { ...waiting, toldPosition: 2 },
      { type: 'customer-returned', agentAvailable: false },
      { kind: 'customer' },
      AT,
    );
    expect(returned.toldPosition).toBeUndefined();
  });

  it('gives a transfer to an agent to that agent, in the same queue', () => {
    expect(transition(active, { type: 'transfer-to-agent', agentId: 'bob' }, agent, AT)).toMatchObject({
      state: 'active',
      agentId: 'bob',
      queueId: 'general',
    });
  });

  it('names a refused move with its words', () => {
    expect(() => transition(waiting, { type: 'set-aside' }, agent, AT)).toThrow(
      'conversation conv-1 is waiting; cannot set aside',
    );
    expect(() =>
      transition(aConversation({ state: 'wrap-up' }), { type: 'transfer-to-queue', queueId: 'x' }, agent, AT),
    ).toThrow('conversation conv-1 is wrap-up; cannot transfer to queue');
  });
});

describe('lists of states', () => {
  it('writes states for an IN (...) list', () => {
    expect(statesInList(statesTakingMessages)).toBe("'open', 'active', 'wrap-up'");
    expect(statesInList(unclosedStates)).toBe("'open', 'active', 'waiting', 'wrap-up'");
  });
});
