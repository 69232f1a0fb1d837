import { describe, expect, it } from 'vitest';
import { conversationIndexes, conversationQuery } from '../../shared/adapters/cosmos-store.js';
import { Directory } from '../../shared/domain/directory.js';
import type { ConversationQuery } from '../../shared/ports.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { autoCloseIdle } from '../../shared/use-cases/auto-close.js';
import { listAgentConversations, listQueueConversations } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { assignAtOpening } from '../../shared/use-cases/openings.js';
import { aChannel } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

/** Records the conversation queries the use cases make. */
class RecordingStore extends MemoryStore {
  readonly queries: ConversationQuery[] = [];
  override async findConversations(query: ConversationQuery) {
    this.queries.push(query);
    return super.findConversations(query);
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
