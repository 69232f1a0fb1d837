import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../shared/domain/conversation.js';
import { agentView, authorKind, summarize, waitingSinceOf } from '../../shared/domain/workspace-views.js';
import { aConversation, aMessage, anAgent, SUPPORT_NUMBER } from '../support/builders.js';

const OPENED = '2026-11-23T09:00:00.000Z';
const ASSIGNED = '2026-11-23T09:01:00.000Z';
const REQUEUED = '2026-11-23T09:05:00.000Z';
const REASSIGNED = '2026-11-23T09:07:00.000Z';

/** Opened, given to Alice, sent back to the queue, given to Bob. */
const movedAround: Conversation = aConversation({
  caseNumber: 'C1A2B3C4D',
  customerName: 'Ann',
  state: 'active',
  agentId: 'bob',
  lastActivityAt: REASSIGNED,
  history: [
    { from: null, to: 'open', at: OPENED, by: 'customer', reason: 'first message' },
    { from: 'open', to: 'active', at: ASSIGNED, by: 'system', reason: 'assigned' },
    { from: 'active', to: 'open', at: REQUEUED, by: 'agent:alice', reason: 'transferred to queue general' },
    { from: 'open', to: 'active', at: REASSIGNED, by: 'system', reason: 'assigned' },
  ],
});

describe('an agent as the workspace shows them', () => {
  it('counts their assignments as their load', () => {
    const alice = anAgent({
      skills: ['billing'],
      assignments: [
        { conversationId: 'c1', since: OPENED },
        { conversationId: 'c2', since: OPENED },
      ],
    });
    expect(agentView(alice)).toEqual({
      id: 'alice',
      name: 'Alice',
      presence: 'available',
      capacity: 2,
      load: 2,
      queueIds: ['general'],
      skills: ['billing'],
    });
  });

  it('shows no skills as an empty list', () => {
    expect(agentView(anAgent()).skills).toEqual([]);
  });
});

describe('who wrote a message', () => {
  it('tells customers, agents and automated messages apart', () => {
    expect(authorKind(aMessage())).toBe('customer');
    expect(authorKind(aMessage({ author: { kind: 'agent', agentId: 'alice' } }))).toBe('agent');
    expect(authorKind(aMessage({ author: { kind: 'system' } }))).toBe('automated');
  });
});

describe('a conversation in a list', () => {
  const messages = [
    aMessage({ id: 'm1', seq: 1, text: 'Hello' }),
    aMessage({
      id: 'm2',
      seq: 2,
      direction: 'outbound',
      author: { kind: 'agent', agentId: 'bob' },
      text: 'Hi',
    }),
    aMessage({ id: 'm3', seq: 3, text: 'My order?' }),
    aMessage({
      id: 'm4',
      seq: 4,
      direction: 'outbound',
      author: { kind: 'system' },
      from: SUPPORT_NUMBER,
      text: 'Thanks',
      createdAt: REASSIGNED,
    }),
  ];

  it('shows who, where and when, with the last message and the time of the last assignment', () => {
    expect(summarize(movedAround, messages, 'bob')).toEqual({
      id: 'conv-1',
      caseNumber: 'C1A2B3C4D',
      channelId: 'support',
      customer: movedAround.customer,
      customerName: 'Ann',
      state: 'active',
      queueId: 'general',
      agentId: 'bob',
      createdAt: OPENED,
      lastActivityAt: REASSIGNED,
      assignedAt: REASSIGNED,
      lastMessage: { text: 'Thanks', direction: 'outbound', author: 'automated', at: REASSIGNED },
      unread: 2,
    });
  });

  it('counts only the customer’s messages after what the reader has read', () => {
    const read = { ...movedAround, readUpTo: { bob: 1, alice: 3 } };
    expect(summarize(read, messages, 'bob').unread).toBe(1);
    expect(summarize(read, messages, 'alice').unread).toBe(0);
    expect(summarize(read, messages, 'carol').unread).toBe(2);
    expect(summarize(read, messages, null).unread).toBe(2);
  });

  it('says since when an open conversation has waited: the last time it became open', () => {
    const requeued = {
      ...movedAround,
      state: 'open' as const,
      agentId: null,
      history: movedAround.history.slice(0, 3),
    };
    const summary = summarize(requeued, [], null);
    expect(summary.waitingSince).toBe(REQUEUED);
    expect(summary).not.toHaveProperty('assignedAt');
    expect(summary).not.toHaveProperty('lastMessage');
    expect(summary.unread).toBe(0);
  });

  it('leaves out what it does not have', () => {
    const bare = aConversation();
    const { caseNumber: _case, ...withoutCase } = bare;
    const summary = summarize(withoutCase, [], null);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'id',
        'channelId',
        'customer',
        'state',
        'queueId',
        'agentId',
        'createdAt',
        'lastActivityAt',
        'waitingSince',
        'unread',
      ].sort(),
    );
  });

  it('shows the first agent reply once there is one', () => {
    expect(summarize({ ...movedAround, firstAgentReplyAt: ASSIGNED }, [], 'bob').firstAgentReplyAt).toBe(
      ASSIGNED,
    );
  });
});

describe('how long a queue’s conversation has waited', () => {
  it('counts from the last time it became open', () => {
    expect(waitingSinceOf(movedAround)).toBe(REQUEUED);
  });

  it('counts from its creation when its history says nothing of opening', () => {
    expect(waitingSinceOf({ ...movedAround, history: [] })).toBe(OPENED);
  });
});
