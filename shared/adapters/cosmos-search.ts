import type { SqlParameter } from '@azure/cosmos';
import indexingPolicy from '../../infra/cosmos-indexing-policy.json' with { type: 'json' };
import type { Conversation } from '../domain/conversation.js';
import { foldName } from '../domain/name-fold.js';
import type { ConversationSearch } from '../ports.js';

/**
 * A search a person starts, as Cosmos SQL over the conversations (every partition: a conversation
 * is alone in its own), newest first. Cosmos DB serves a multi-field ORDER BY only from a composite
 * index that matches it path for path, so the search sorts by its most selective equality filter
 * first (which leaves the order as it is: every result has the same value there), then
 * (createdAt, id), descending. The other filters (a second equality, the name's prefix, the date
 * range, an agent's visibility) are read from the range index every path has: no document is read
 * that the query does not return. docs/cosmos.md says what each costs.
 */

/** The equality filters a search may lead with, most selective first. */
const LEADS = ['customer', 'caseNumber', 'agentId', 'queueId', 'channelId', 'state'] as const;
type Lead = (typeof LEADS)[number];

/** The field a conversation document carries for a search by name (foldName of customerName). */
export const NAME_KEY = 'customerNameKey';

/** The conversation as stored: with its folded name, so a name prefix is an index seek. */
export function searchableConversation(conversation: Conversation): Conversation & { [NAME_KEY]?: string } {
  return conversation.customerName === undefined
    ? conversation
    : { ...conversation, [NAME_KEY]: foldName(conversation.customerName) };
}

const compositeIndexes = indexingPolicy.compositeIndexes as { path: string; order: string }[][];

function leadOf(search: ConversationSearch): { field: Lead; value: string } | undefined {
  const [onlyState] = search.states ?? [];
  const values: Record<Lead, string | undefined> = {
    customer: search.customer,
    caseNumber: search.caseNumber,
    agentId: search.agentId,
    queueId: search.queueId,
    channelId: search.channelId,
    state: search.states?.length === 1 ? onlyState : undefined,
  };
  const field = LEADS.find((name) => values[name] !== undefined);
  const value = field === undefined ? undefined : values[field];
  return field === undefined || value === undefined ? undefined : { field, value };
}

export function searchQuery(search: ConversationSearch, before?: { createdAt: string; id: string }) {
  const where = ["c.kind = 'conversation'"];
  const parameters: SqlParameter[] = [];
  const add = (condition: string, name: string, value: string | string[] | undefined) => {
    if (value === undefined) return;
    where.push(condition);
    parameters.push({ name, value });
  };
  add('c.customer = @customer', '@customer', search.customer);
  add('c.caseNumber = @caseNumber', '@caseNumber', search.caseNumber);
  add('c.channelId = @channelId', '@channelId', search.channelId);
  add('c.queueId = @queueId', '@queueId', search.queueId);
  add('c.agentId = @agentId', '@agentId', search.agentId);
  const [onlyState] = search.states ?? [];
  if (search.states?.length === 1 && onlyState) add('c.state = @state', '@state', onlyState);
  else add('ARRAY_CONTAINS(@states, c.state)', '@states', search.states);
  add('c.createdAt >= @createdFrom', '@createdFrom', search.createdFrom);
  add('c.createdAt < @createdBefore', '@createdBefore', search.createdBefore);
  add(`STARTSWITH(c.${NAME_KEY}, @namePrefix)`, '@namePrefix', search.customerNamePrefix);
  if (search.visibleTo !== undefined) {
    where.push('(ARRAY_CONTAINS(@visibleQueues, c.queueId) OR c.agentId = @visibleAgent)');
    parameters.push(
      { name: '@visibleQueues', value: search.visibleTo.queueIds },
      { name: '@visibleAgent', value: search.visibleTo.agentId },
    );
  }
  if (before !== undefined) {
    where.push('(c.createdAt < @beforeCreatedAt OR (c.createdAt = @beforeCreatedAt AND c.id < @beforeId))');
    parameters.push(
      { name: '@beforeCreatedAt', value: before.createdAt },
      { name: '@beforeId', value: before.id },
    );
  }
  const lead = leadOf(search);
  const orderBy = ['kind', ...(lead ? [lead.field] : []), 'createdAt', 'id'];
  return {
    sql: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY ${orderBy.map((f) => `c.${f} DESC`).join(', ')}`,
    parameters,
    orderBy,
  };
}

/** Whether a composite index of the policy serves this ORDER BY (all descending), path for path. */
export function servedByIndex(orderBy: string[]): boolean {
  return compositeIndexes.some(
    (index) =>
      index.every((entry) => entry.order === 'descending') &&
      index.map((entry) => entry.path.slice(1)).join() === orderBy.join(),
  );
}
