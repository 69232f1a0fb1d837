import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../shared/use-cases/conversation-search.js';
import { type ConversationHit, emptySearch, searchPath, wrapUpText } from '../../web/src/logic/search.js';

const hit: ConversationHit = {
  id: 'c1',
  channelId: 'support',
  customer: '+14255550161',
  queueId: 'general',
  agentId: 'alice',
  state: 'wrap-up',
  createdAt: '2026-12-02T09:00:00.000Z',
  lastActivityAt: '2026-12-02T09:00:00.000Z',
  closedAt: null,
};

describe("the search page's query", () => {
  it('sends only the filters given, trimmed, with the page size and the continuation', () => {
    expect(searchPath(emptySearch, 20)).toBe('search/conversations?pageSize=20');
    expect(
      searchPath({ ...emptySearch, number: ' +14255550161 ', contact: 'José A', state: 'closed' }, 20, 'abc'),
    ).toBe(
      'search/conversations?number=%2B14255550161&contact=Jos%C3%A9+A&state=closed&pageSize=20&continuation=abc',
    );
  });

  it('reads back on the server as the person typed it: the + of a number and the space of a name kept', () => {
    const path = searchPath({ ...emptySearch, number: '+14255550161', contact: 'José A' }, 20);
    const given = Object.fromEntries(new URLSearchParams(path.split('?')[1]));
    expect(parseSearchQuery(given)).toMatchObject({
      number: '+14255550161',
      contact: 'jose a',
      pageSize: 20,
    });
  });

  it("shows a result's wrap-up by its label, else its code, with the note", () => {
    expect(wrapUpText(hit)).toBe('');
    expect(
      wrapUpText({ ...hit, wrapUp: { code: 'resolved', label: 'Resolved', by: 'agent:alice', at: '' } }),
    ).toBe('Resolved');
    expect(
      wrapUpText({ ...hit, wrapUp: { code: 'callback', note: 'Monday', by: 'agent:alice', at: '' } }),
    ).toBe('callback — Monday');
  });
});
