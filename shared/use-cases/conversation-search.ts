import { z } from 'zod';
import { oversees, type Principal } from '../domain/access.js';
import { type Conversation, type ConversationState, conversationStates } from '../domain/conversation.js';
import { foldName } from '../domain/name-fold.js';
import { type PhoneNumber, parsePhoneNumber } from '../domain/phone.js';
import type { WrapUp } from '../domain/wrap-up.js';
import { ForbiddenError, issuesFrom, NotFoundError, ValidationError } from '../errors.js';
import type { ConversationSearch } from '../ports.js';
import { actingAgent } from './access.js';
import type { CoreDeps } from './deps.js';

/** What a search shows of each conversation: enough to pick it, not its transcript. */
export interface ConversationHit {
  id: string;
  channelId: string;
  customer: PhoneNumber;
  customerName?: string;
  caseNumber?: string;
  queueId: string;
  agentId: string | null;
  state: ConversationState;
  createdAt: string;
  lastActivityAt: string;
  closedAt: string | null;
  wrapUp?: WrapUp;
}

export interface SearchPage {
  conversations: ConversationHit[];
  /** Pass it back as `continuation` for the next (older) page; absent on the last. */
  continuation?: string;
}

export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 100;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (YYYY-MM-DD, UTC) or an instant with its offset; `end` turns a day into the next midnight. */
const instant = (end: boolean) =>
  z
    .string()
    .trim()
    .refine(
      (value) =>
        DAY.test(value)
          ? z.iso.date().safeParse(value).success
          : z.iso.datetime({ offset: true }).safeParse(value).success,
      'a day YYYY-MM-DD or an instant like 2026-11-23T09:00:00Z',
    )
    .transform((value) => {
      if (!DAY.test(value)) return new Date(value).toISOString();
      const start = Date.parse(`${value}T00:00:00.000Z`);
      return new Date(end ? start + 86_400_000 : start).toISOString();
    });

const id = z.string().trim().min(1, 'cannot be empty').max(100, 'at most 100 characters');

/** The query string of a search, each field optional; every problem names its field. */
export const searchQuerySchema = z
  .strictObject({
    number: z
      .string()
      .transform((value, ctx): PhoneNumber => {
        // A + left unencoded in a query string arrives as a space.
        if (/^ [0-9]/.test(value)) {
          ctx.addIssue({ code: 'custom', message: 'the + arrived as a space: encode it as %2B' });
          return z.NEVER;
        }
        try {
          return parsePhoneNumber(value, 'number');
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    contact: z
      .string()
      .max(200, 'at most 200 characters')
      .transform((value) => foldName(value))
      .refine((folded) => folded.length > 0, 'give at least one letter of the name')
      .optional(),
    caseNumber: id.optional(),
    from: instant(false).optional(),
    to: instant(true).optional(),
    queue: id.optional(),
    agent: id.optional(),
    state: z
      .string()
      .transform((value) => value.split(',').map((state) => state.trim()))
      .pipe(z.array(z.enum(conversationStates, { error: `one of ${conversationStates.join(', ')}` })).min(1))
      .optional(),
    pageSize: z.coerce
      .number({ error: 'a whole number' })
      .int('a whole number')
      .min(1)
      .max(SEARCH_PAGE_MAX)
      .default(SEARCH_PAGE_DEFAULT),
    continuation: z.string().min(1).max(2000).optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
    path: ['to'],
    message: 'to must be after from',
  });
export type SearchQuery = z.output<typeof searchQuerySchema>;

/** Parses a search's query string (name to value, empty values left out): a 400 naming each bad field. */
export function parseSearchQuery(input: Record<string, string>): SearchQuery {
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== ''));
  const parsed = searchQuerySchema.safeParse(given);
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error.issues);
    throw new ValidationError(
      `the search is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

const hitOf = (c: Conversation): ConversationHit => ({
  id: c.id,
  channelId: c.channelId,
  customer: c.customer,
  ...(c.customerName === undefined ? {} : { customerName: c.customerName }),
  ...(c.caseNumber === undefined ? {} : { caseNumber: c.caseNumber }),
  queueId: c.queueId,
  agentId: c.agentId,
  state: c.state,
  createdAt: c.createdAt,
  lastActivityAt: c.lastActivityAt,
  closedAt: c.closedAt,
  ...(c.wrapUp === undefined ? {} : { wrapUp: c.wrapUp }),
});

/**
 * Conversations of any state matching every filter given, newest first, a page at a time. A
 * supervisor or admin searches them all; an agent the conversations of their queues and those they
 * last held (naming a queue that is not theirs is refused, as its line is). One store query per
 * page, whatever the filters: the search never reads a transcript.
 */
export async function searchConversations(
  deps: CoreDeps,
  principal: Principal,
  query: SearchQuery,
): Promise<SearchPage> {
  const search: ConversationSearch = {
    ...(query.number === undefined ? {} : { customer: query.number }),
    ...(query.contact === undefined ? {} : { customerNamePrefix: query.contact }),
    ...(query.caseNumber === undefined ? {} : { caseNumber: query.caseNumber }),
    ...(query.from === undefined ? {} : { createdFrom: query.from }),
    ...(query.to === undefined ? {} : { createdBefore: query.to }),
    ...(query.queue === undefined ? {} : { queueId: query.queue }),
    ...(query.agent === undefined ? {} : { agentId: query.agent }),
    ...(query.state === undefined ? {} : { states: [...new Set(query.state)] }),
  };
  if (!oversees(principal)) {
    const agentId = actingAgent(principal, undefined);
    const agent = await deps.store.getAgent(agentId);
    if (!agent) throw new NotFoundError(`agent ${agentId} does not exist`);
    const queueIds = agent.value.queueIds;
    if (query.queue !== undefined && !queueIds.includes(query.queue)) {
      throw new ForbiddenError(`agent ${agentId} is not a member of queue ${query.queue}`);
    }
    search.visibleTo = { queueIds, agentId };
  }
  const page = await deps.store.searchConversations(search, {
    limit: query.pageSize,
    ...(query.continuation === undefined ? {} : { continuation: query.continuation }),
  });
  return {
    conversations: page.conversations.map((stored) => hitOf(stored.value)),
    ...(page.continuation === undefined ? {} : { continuation: page.continuation }),
  };
}
