import { describe, expect, it } from 'vitest';
import { addPage, HISTORY_PAGE, historyPath, historyRow } from '../../web/src/logic/history.js';
import type { Conversation, HistoryEntry } from '../../web/src/types.js';

const conversation = (id: string, createdAt: string, more: Partial<Conversation> = {}): Conversation => ({
  id,
  channelId: 'support',
  channelNumber: '+14255550100',
  customer: '+14255550131',
  queueId: 'general',
  state: 'closed',
  agentId: 'alice',
  createdAt,
  lastActivityAt: createdAt,
  closedAt: createdAt,
  ...more,
});
const entry = (id: string, createdAt: string): HistoryEntry => ({
  conversation: conversation(id, createdAt),
  messages: [],
});
const names = {
  queues: [{ id: 'general', name: 'General support' }],
  agents: [{ id: 'alice', name: 'Alice' }],
};

describe("the customer panel's history", () => {
  it('reads a page on every channel, the number escaped, older than the cursor when there is one', () => {
    expect(historyPath('+14255550131')).toBe(`customers/%2B14255550131/conversations?limit=${HISTORY_PAGE}`);
    expect(historyPath('+14255550131', 'WyIyMDI2Il0')).toBe(
      `customers/%2B14255550131/conversations?limit=${HISTORY_PAGE}&before=WyIyMDI2Il0`,
    );
  });

  it('adds an older page after what it shows, newest first, each conversation once', () => {
    const first = [entry('c3', '2026-11-30T10:00:00Z'), entry('c2', '2026-11-29T10:00:00Z')];
    const older = [entry('c2', '2026-11-29T10:00:00Z'), entry('c1', '2026-11-28T10:00:00Z')];
    expect(addPage(first, older).map((e) => e.conversation.id)).toEqual(['c3', 'c2', 'c1']);
    expect(
      addPage([], [entry('b', '2026-11-28T10:00:00Z'), entry('a', '2026-11-30T10:00:00Z')]).map(
        (e) => e.conversation.id,
      ),
    ).toEqual(['a', 'b']);
  });

  it('names the queue and the agent, says the state, and shows the wrap-up label and note', () => {
    const row = historyRow(
      conversation('c1', '2026-11-28T10:00:00Z', {
        caseNumber: 'CA00ABC89',
        wrapUp: { code: 'callback', label: 'Call back', note: 'Monday', at: '', by: 'agent:alice' },
      }),
      names,
    );
    expect(row).toMatchObject({
      id: 'c1',
      caseNumber: 'CA00ABC89',
      queue: 'General support',
      agent: 'Alice',
      state: 'Closed',
      wrapUp: 'Call back',
      note: 'Monday',
    });
    expect(row.date).not.toBe('');
  });

  it('falls back to ids for a queue or agent the page does not know, and says when no agent had it', () => {
    const row = historyRow(
      conversation('c1', '2026-11-28T10:00:00Z', { queueId: 'vip', agentId: 'zed' }),
      names,
    );
    expect(row).toMatchObject({ queue: 'vip', agent: 'zed', wrapUp: '' });
    expect(
      historyRow(conversation('c2', '2026-11-28T10:00:00Z', { agentId: null, state: 'open' }), names),
    ).toMatchObject({ agent: 'No agent', state: 'In queue' });
  });
});
