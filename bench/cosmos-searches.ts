/**
 * The searches a person starts (GET search/conversations), run through the use case against the
 * Cosmos DB store with every request counted: `npm run bench` prints what each costs
 * (docs/cosmos.md). Unlike the recurring flows (cosmos-flows.ts), a search reads every partition
 * (each conversation is alone in its own), so it is a fan-out by design, always one page, and
 * served by a composite index (shared/adapters/cosmos-search.ts).
 */
import { searchQuery } from '../shared/adapters/cosmos-search.js';
import type { Principal } from '../shared/domain/access.js';
import type { ConversationSearch } from '../shared/ports.js';
import { parseSearchQuery, searchConversations } from '../shared/use-cases/conversation-search.js';
import type { CoreDeps } from '../shared/use-cases/deps.js';
import { estimateRu } from '../stand-ins/counting-store.js';
import { type CountedContainer, FLOW_CUSTOMER, type FlowRun } from './cosmos-flows.js';

const supervisor: Principal = {
  kind: 'user',
  userId: 'sue',
  name: 'Sue',
  roles: ['supervisor'],
  agentId: null,
};
const alice: Principal = { kind: 'user', userId: 'alice', name: 'Alice', roles: ['agent'], agentId: 'alice' };

export interface SearchRun extends FlowRun {
  found: number;
  /** The sort the query asked for: the composite index that serves it. */
  orderBy: string[];
}

/** Each filter of the page alone, an agent's search, and a next page; `day` is a YYYY-MM-DD. */
export async function runSearches(
  deps: CoreDeps,
  counted: CountedContainer,
  day: string,
  caseNumber: string,
): Promise<SearchRun[]> {
  const searches: [string, Principal, Record<string, string>][] = [
    ['newest first, no filter', supervisor, {}],
    ["by number (the customer's 26)", supervisor, { number: FLOW_CUSTOMER }],
    ['by contact name prefix', supervisor, { contact: 'dana' }],
    ['by case number', supervisor, { caseNumber }],
    ['by date range (one day)', supervisor, { from: day, to: day }],
    ['by queue', supervisor, { queue: 'general' }],
    ['by agent', supervisor, { agent: 'alice' }],
    ['by state (closed)', supervisor, { state: 'closed' }],
    ['by states (active, wrap-up)', supervisor, { state: 'active,wrap-up' }],
    ['by queue, state and date range', supervisor, { queue: 'general', state: 'closed', from: day }],
    ["an agent's search (their queues, what they held)", alice, { number: FLOW_CUSTOMER }],
  ];
  const runs: SearchRun[] = [];
  const measure = async (flow: string, principal: Principal, query: Record<string, string>) => {
    const recorded: ConversationSearch[] = [];
    const store = deps.store;
    const recording = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'searchConversations')
          return (search: ConversationSearch, page: { limit: number; continuation?: string }) => {
            recorded.push(search);
            return target.searchConversations(search, page);
          };
        return Reflect.get(target, property, receiver);
      },
    });
    counted.reset();
    const page = await searchConversations({ ...deps, store: recording }, principal, parseSearchQuery(query));
    const [search] = recorded;
    runs.push({
      flow,
      operations: [...counted.operations],
      found: page.conversations.length,
      orderBy: search ? searchQuery(search).orderBy : [],
    });
    return page;
  };
  for (const [flow, principal, query] of searches) {
    const page = await measure(flow, principal, query);
    if (flow.startsWith('by number') && page.continuation)
      await measure('by number, the next page', supervisor, {
        number: FLOW_CUSTOMER,
        continuation: page.continuation,
      });
  }
  return runs;
}

export function searchTable(runs: SearchRun[]): string {
  const lines = [
    '| search (one page of 20) | point reads | queries | partitions | found | KB moved | est. RU | sorted by (composite index) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    const count = (kind: string) => run.operations.filter((o) => o.kind === kind).length;
    const fanOut = run.operations.some((o) => o.kind === 'query' && o.partitionKey === undefined);
    const kb = run.operations.reduce((sum, o) => sum + o.bytes, 0) / 1024;
    const ru = run.operations.reduce((sum, o) => sum + estimateRu(o), 0);
    lines.push(
      `| ${run.flow} | ${count('point-read')} | ${count('query')} | ${fanOut ? 'every' : 'named'} | ${run.found} | ${kb.toFixed(1)} | ${ru.toFixed(1)} | ${run.orderBy.join(', ')} desc |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
