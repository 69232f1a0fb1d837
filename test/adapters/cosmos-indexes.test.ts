import { describe, expect, it } from 'vitest';
import { searchQuery, servedByIndex } from '../../shared/adapters/cosmos-search.js';
import { conversationIndexes, conversationQuery } from '../../shared/adapters/cosmos-store.js';
import type { Principal } from '../../shared/domain/access.js';
import { Directory } from '../../shared/domain/directory.js';
import type { ConversationQuery, ConversationSearch } from '../../shared/ports.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { autoCloseIdle } from '../../shared/use-cases/auto-close.js';
import { parseSearchQuery, searchConversations } from '../../shared/use-cases/conversation-search.js';
import { listAgentConversations, listQueueConversations } from '../../shared/use-cases/conversations.js';
import { dayFigures } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { assignAtOpening } from '../../shared/use-cases/openings.js';
import { aChannel } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

/** Records the conversation queries the use cases make. */
class RecordingStore extends MemoryStore {
  readonly queries: ConversationQuery[] = [];
  readonly searches: ConversationSearch[] = [];
  override async findConversations(query: ConversationQuery) {
    this.queries.push(query);
    return super.findConversations(query);
  }
  override async searchConversations(
    search: ConversationSearch,
    page: { limit: number; continuation?: string },
  ) {
    this.searches.push(search);
    return super.searchConversations(search, page);
  }
}

/** Whether a composite index serves a query: Cosmos DB wants its ORDER BY to match one path for path. */
function served(query: ConversationQuery): boolean {
  const { orderBy, indexed } = conversationQuery(query);
  return (
    indexed &&
    conversationIndexes.some((index) => index.map((entry) => entry.path.slice(1)).join() === orderBy.join())
  );
}

describe('Cosmos DB indexing for the conversation queries the app makes', () => {
  it('serves every query of the queue, agent, auto-close and opening paths from a composite index', async () => {
    const store = new RecordingStore();
    const h = coreHarness(store);
    const always = {
      timeZone: 'UTC',
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    };
    for (const day of Object.keys(always.weekly))
      (always.weekly as Record<string, unknown>)[day] = [{ from: '00:00', to: '24:00' }];
    h.deps.directory = new Directory(
      [
        ...testSeed.channels,
        aChannel({
          id: 'hours',
          numbers: ['+14255550177' as never],
          hours: { ...always, holidays: [], exceptions: [] },
        }),
      ],
      testSeed.queues,
    );
    await h.addAgent();
    await receiveInbound(h.deps, h.sms());
    await assignQueue(h.deps, 'general');
    await listAgentConversations(h.deps, 'alice');
    await listQueueConversations(h.deps, 'general');
    await autoCloseIdle(h.deps);
    await assignAtOpening(h.deps);

    const kinds = new Set(store.queries.map((q) => Object.keys(q).sort().join(',')));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
    for (const query of store.queries)
      expect({ query, served: served(query) }).toEqual({ query, served: true });
  });

  it('tells a served query from one no index serves', () => {
    expect(served({ queueId: 'general', states: ['open'] })).toBe(true);
    expect(served({ agentId: 'alice', queueId: 'general', states: ['open'] })).toBe(false);
  });
});

describe('Cosmos DB indexing for the searches a person starts', () => {
  const supervisor: Principal = {
    kind: 'user',
    userId: 'dana',
    name: 'dana',
    roles: ['supervisor'],
    agentId: null,
  };
  const alice: Principal = {
    kind: 'user',
    userId: 'alice',
    name: 'alice',
    roles: ['agent'],
    agentId: 'alice',
  };
  // Each filter of GET search/conversations alone, the page's usual pairs, and every one at once.
  const queries: Record<string, string>[] = [
    {},
    { number: '+14255550123' },
    { contact: 'jos' },
    { caseNumber: 'C-1' },
    { from: '2026-12-01', to: '2026-12-02' },
    { queue: 'general' },
    { agent: 'alice' },
    { state: 'closed' },
    { state: 'active,wrap-up' },
    { queue: 'general', state: 'open' },
    { agent: 'alice', from: '2026-12-01' },
    { contact: 'jos', state: 'closed', from: '2026-12-01' },
    {
      number: '+14255550123',
      contact: 'jos',
      caseNumber: 'C-1',
      from: '2026-12-01',
      to: '2026-12-02',
      queue: 'general',
      agent: 'alice',
      state: 'closed,active',
    },
  ];

  it("serves every search of GET search/conversations, a supervisor's and an agent's, and the figures' day", async () => {
    const store = new RecordingStore();
    const h = coreHarness(store);
    await h.addAgent();
    for (const query of queries) {
      await searchConversations(h.deps, supervisor, parseSearchQuery(query));
      await searchConversations(h.deps, alice, parseSearchQuery(query));
    }
    await dayFigures(h.deps, '2026-12-01');
    expect(store.searches).toHaveLength(queries.length * 2 + 1);
    for (const search of store.searches) {
      const { orderBy } = searchQuery(search);
      expect({ search, orderBy, served: servedByIndex(orderBy) }).toEqual({ search, orderBy, served: true });
    }
  });

  it('leads with the most selective equality filter given, and tells a served sort from one no index serves', () => {
    expect(searchQuery({ customer: '+14255550123' as never, queueId: 'general' }).orderBy).toEqual([
      'kind',
      'customer',
      'createdAt',
      'id',
    ]);
    expect(searchQuery({ states: ['closed', 'open'], createdFrom: '2026-12-01' }).orderBy).toEqual([
      'kind',
      'createdAt',
      'id',
    ]);
    expect(servedByIndex(['kind', 'customerNameKey', 'createdAt', 'id'])).toBe(false);
    expect(servedByIndex(['kind', 'queueId', 'state', 'createdAt', 'id'])).toBe(false);
  });
});
