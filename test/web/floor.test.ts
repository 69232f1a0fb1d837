import { describe, expect, it } from 'vitest';
import {
  floorAgents,
  floorConversation,
  floorConversations,
  floorTotals,
  reassignBlocked,
  transferTargets,
} from '../../web/src/logic/floor.js';
import { formatDuration, formatShare, secondsSince, timeAgo } from '../../web/src/logic/format.js';
import type { AgentView, ConversationSummary, QueueView } from '../../web/src/types.js';

const now = Date.parse('2026-12-01T10:00:00Z');

function summary(id: string, changes: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    channelId: 'support',
    customer: '+14255550123',
    state: 'open',
    queueId: 'general',
    createdAt: '2026-12-01T09:58:00Z',
    lastActivityAt: '2026-12-01T09:58:00Z',
    unread: 0,
    ...changes,
  };
}

function agent(id: string, changes: Partial<AgentView> = {}): AgentView {
  return {
    id,
    name: id,
    presence: 'available',
    capacity: 2,
    load: 0,
    queueIds: ['general'],
    skills: [],
    ...changes,
  };
}

describe('floor durations', () => {
  it.each([
    [null, '–'],
    [undefined, '–'],
    [Number.NaN, '–'],
    [0, '0 s'],
    [59.9, '59 s'],
    [60, '1 min 00 s'],
    [185, '3 min 05 s'],
    [3600, '1 h 00 min'],
    [3720, '1 h 02 min'],
    [90000, '1 d 1 h'],
    [-5, '0 s'],
  ])('%s seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('never counts a negative time since (the browser clock may run a little behind)', () => {
    expect(secondsSince('2026-12-01T10:00:05Z', now)).toBe(0);
    expect(secondsSince('not a date', now)).toBeNull();
  });

  it('says how long ago, rounded as a list shows it', () => {
    expect(timeAgo('2026-12-01T09:59:30Z', now)).toBe('just now');
    expect(timeAgo('2026-12-01T09:56:00Z', now)).toBe('4 min ago');
    expect(timeAgo('2026-12-01T07:00:00Z', now)).toBe('3 h ago');
  });

  it('shows a service level share as a whole percentage, and a dash when nothing was counted', () => {
    expect(formatShare(0.8333)).toBe('83%');
    expect(formatShare(null)).toBe('–');
  });
});

describe('the live floor', () => {
  it('counts the wait of an unanswered conversation up to now, with no handle time yet', () => {
    expect(floorConversation(summary('c1'), now)).toMatchObject({ waitSeconds: 120, handleSeconds: null });
  });

  it('stops the wait at the first agent reply and counts handle time from there', () => {
    const answered = summary('c1', { state: 'active', firstAgentReplyAt: '2026-12-01T09:59:00Z' });
    expect(floorConversation(answered, now)).toMatchObject({ waitSeconds: 60, handleSeconds: 60 });
  });

  it('counts handle time from when the agent was given it, when the list says', () => {
    const held = summary('c1', {
      state: 'active',
      assignedAt: '2026-12-01T09:58:30Z',
      firstAgentReplyAt: '2026-12-01T09:59:00Z',
    });
    expect(floorConversation(held, now)).toMatchObject({ waitSeconds: 60, handleSeconds: 90 });
  });

  it('counts a conversation back in a queue as waiting again, with no handle time', () => {
    const back = summary('c1', {
      state: 'open',
      waitingSince: '2026-12-01T09:59:30Z',
      firstAgentReplyAt: '2026-12-01T09:58:30Z',
    });
    expect(floorConversation(back, now)).toMatchObject({ waitSeconds: 30, handleSeconds: null });
  });

  it('counts the wait from when it started waiting again (a transfer back to a queue)', () => {
    const back = summary('c1', { waitingSince: '2026-12-01T09:59:30Z' });
    expect(floorConversation(back, now).waitSeconds).toBe(30);
  });

  it('lists queued conversations first, longest wait first, and leaves closed ones out', () => {
    const rows = floorConversations(
      [
        summary('active', { state: 'active', firstAgentReplyAt: '2026-12-01T09:59:00Z' }),
        summary('short', { createdAt: '2026-12-01T09:59:00Z' }),
        summary('closed', { state: 'closed' }),
        summary('long', { createdAt: '2026-12-01T09:50:00Z' }),
      ],
      now,
    );
    expect(rows.map((row) => row.summary.id)).toEqual(['long', 'short', 'active']);
  });

  it("puts each agent's ongoing conversations with them", () => {
    const rows = floorAgents(
      [agent('bob'), agent('alice', { presence: 'away' })],
      [
        summary('c1', { agentId: 'bob', state: 'active' }),
        summary('c2', { agentId: 'bob', state: 'closed' }),
      ],
    );
    expect(rows.map((row) => [row.agent.id, row.conversations.map((c) => c.id), row.canTake])).toEqual([
      ['alice', [], false],
      ['bob', ['c1'], true],
    ]);
  });

  it('adds up waiting, the longest wait, available agents and their free seats', () => {
    const queues: QueueView[] = [
      { id: 'general', name: 'General', distribution: 'push', waiting: 2, longestWaitSeconds: 95 },
      { id: 'vip', name: 'VIP', distribution: 'pick', waiting: 1, longestWaitSeconds: 300 },
    ];
    const agents = [
      agent('a', { load: 1 }),
      agent('b', { capacity: 1, load: 1 }),
      agent('c', { presence: 'busy' }),
    ];
    expect(floorTotals(queues, agents)).toEqual({
      waiting: 3,
      longestWaitSeconds: 300,
      agentsAvailable: 2,
      freeSeats: 1,
    });
  });
});

describe('transfer targets', () => {
  it('offers the other agents, those available with room first, saying why the others cannot take it', () => {
    const targets = transferTargets(
      [
        agent('me'),
        agent('zoe', { load: 1 }),
        agent('full', { load: 2 }),
        agent('away', { presence: 'away' }),
        agent('amy'),
      ],
      'me',
    );
    expect(targets.map((t) => [t.agent.id, t.canTake, t.why])).toEqual([
      ['amy', true, '0/2'],
      ['zoe', true, '1/2'],
      ['away', false, 'away'],
      ['full', false, 'full (2/2)'],
    ]);
  });
});

describe('what a supervisor may reassign', () => {
  it('moves a conversation waiting in a queue, active or set aside', () => {
    for (const state of ['open', 'active', 'waiting'] as const)
      expect(reassignBlocked(state)).toBeUndefined();
  });

  it('leaves wrap-up to its agent and a closed conversation alone, saying why', () => {
    for (const state of ['wrap-up', 'closed'] as const)
      expect(reassignBlocked(state)).toBe(
        'Only a conversation in a queue, active or set aside can be reassigned.',
      );
  });
});
