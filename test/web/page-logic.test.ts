import { describe, expect, it } from 'vitest';
import { firstLoadAssets } from '../../web/first-load.js';
import { phoneThread } from '../../web/src/logic/phone.js';
import { apiBaseOf, signInHeaders } from '../../web/src/logic/sign-in.js';
import { arrivals, authorName, authorOf, inOrder, statusText } from '../../web/src/logic/thread.js';
import type { ConversationSummary, Message } from '../../web/src/types.js';

const summary = (id: string, unread = 0) => ({ id, unread }) as ConversationSummary;

describe('the cue for new work', () => {
  it('stays quiet on the first read of the list (nothing is new to the agent yet)', () => {
    expect(arrivals(null, [summary('c1', 3)])).toEqual({ newConversations: [], newMessages: [] });
  });

  it('names a conversation the agent did not have, and one whose unread count went up', () => {
    const before = [summary('c1', 0), summary('c2', 1)];
    const after = [summary('c1', 1), summary('c2', 1), summary('c3', 1)];
    expect(arrivals(before, after)).toEqual({ newConversations: ['c3'], newMessages: ['c1'] });
  });

  it('does not cue when the agent read a conversation (unread went down)', () => {
    expect(arrivals([summary('c1', 2)], [summary('c1', 0)])).toEqual({
      newConversations: [],
      newMessages: [],
    });
  });
});

describe('the thread', () => {
  const message = (changes: Partial<Message>): Message => ({
    id: 'm',
    seq: 1,
    direction: 'outbound',
    author: { kind: 'agent', agentId: 'alice' },
    text: 'hi',
    createdAt: '2026-12-01T10:00:00Z',
    status: 'queued',
    failureReason: null,
    ...changes,
  });

  it('tells customer, agent and automated messages apart (the store calls automated "system")', () => {
    expect(authorOf(message({ direction: 'inbound', author: { kind: 'customer' } }))).toBe('customer');
    expect(authorOf(message({}))).toBe('agent');
    expect(authorOf(message({ author: { kind: 'system' } }))).toBe('automated');
    expect(authorOf(message({ author: { kind: 'automated' } }))).toBe('automated');
  });

  it("names an agent's message by the directory, or by its id when the agent is not listed", () => {
    const agents = [{ id: 'alice', name: 'Alice Martin' }];
    expect(authorName(message({ author: { kind: 'agent', agentId: 'alice' } }), agents)).toBe('Alice Martin');
    expect(authorName(message({ author: { kind: 'agent', agentId: 'bob' } }), agents)).toBe('bob');
    expect(authorName(message({ author: { kind: 'agent' } }), agents)).toBe('Agent');
    expect(authorName(message({ direction: 'inbound', author: { kind: 'customer' } }), agents)).toBe(
      'Customer',
    );
    expect(authorName(message({ author: { kind: 'system' } }), agents)).toBe('Automated');
  });

  it('shows each outbound status, a failure with its reason, and nothing for a received message', () => {
    expect(statusText(message({ status: 'queued' }))).toBe('Queued');
    expect(statusText(message({ status: 'delivered' }))).toBe('Delivered');
    expect(statusText(message({ status: 'failed', failureReason: 'unreachable handset' }))).toBe(
      'Failed: unreachable handset',
    );
    expect(statusText(message({ direction: 'inbound', status: 'received' }))).toBe('');
  });

  it('lists messages in conversation order', () => {
    const ordered = inOrder([
      message({ id: 'b', seq: 2 }),
      message({ id: 'a', seq: 1 }),
      message({ id: 'c', seq: 3 }),
    ]);
    expect(ordered.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('sign-in and addresses', () => {
  it('signs an agent in by their id alone, anyone else with their roles', () => {
    expect(signInHeaders({ user: 'alice', roles: ['agent'] })).toEqual({ 'x-sms-user': 'alice' });
    expect(signInHeaders({ user: 'dana', roles: ['supervisor'] })).toEqual({
      'x-sms-user': 'dana',
      'x-sms-roles': 'supervisor',
    });
    expect(signInHeaders(null)).toEqual({});
  });

  it('finds the API next to the console, wherever the app is mounted', () => {
    expect(apiBaseOf('/api/console/')).toBe('/api/');
    expect(apiBaseOf('/api/console/index.html')).toBe('/api/');
    expect(apiBaseOf('/prefix/api/console/')).toBe('/prefix/api/');
  });
});

describe('the phone simulator', () => {
  it('shows one phone and one support number: what the customer sent and the replies, in time order', () => {
    const thread = phoneThread({
      customer: '+14255550123',
      support: '+14255550100',
      sent: [
        { from: '+14255550123', to: '+14255550100', text: 'Hello', at: '2026-12-01T10:00:00Z' },
        { from: '+14255550123', to: '+14255550199', text: 'other line', at: '2026-12-01T10:00:01Z' },
      ],
      outbox: [
        {
          providerMessageId: 'p2',
          from: '+14255550100',
          to: '+14255550123',
          text: 'Hi!',
          sentAt: '2026-12-01T10:00:02Z',
        },
        {
          providerMessageId: 'p3',
          from: '+14255550100',
          to: '+14255550124',
          text: 'not me',
          sentAt: '2026-12-01T10:00:03Z',
        },
      ],
    });
    expect(thread.map((item) => [item.mine, item.text])).toEqual([
      [true, 'Hello'],
      [false, 'Hi!'],
    ]);
  });
});

describe("the build's first-load figure", () => {
  it('counts the entry script, preloaded modules and style sheets, not icons or lazy pages', () => {
    const html = `<link rel="icon" href="./favicon.svg"><script type="module" crossorigin src="./assets/index-1.js"></script>
      <link rel="modulepreload" crossorigin href="./assets/vendor-2.js"><link rel="stylesheet" href="./assets/index-3.css">`;
    expect(firstLoadAssets(html)).toEqual(['assets/index-1.js', 'assets/vendor-2.js', 'assets/index-3.css']);
  });
});
