import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import { type Conversation, caseNumberOf } from '../../shared/domain/conversation.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { ConversationSearch } from '../../shared/ports.js';
import {
  parseSearchQuery,
  SEARCH_PAGE_DEFAULT,
  searchConversations,
} from '../../shared/use-cases/conversation-search.js';
import { aConversation, anAgent, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

const supervisor: Principal = {
  kind: 'user',
  userId: 'sue',
  name: 'Sue',
  roles: ['supervisor'],
  agentId: null,
};
const alice: Principal = { kind: 'user', userId: 'alice', name: 'Alice', roles: ['agent'], agentId: 'alice' };

/** The validation error's message, or nothing when the query parses. */
function refusal(input: Record<string, string>): string | undefined {
  try {
    parseSearchQuery(input);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.message;
  }
}

describe('reading a search query string', () => {
  it('gives every field its meaning: the number parsed, the name folded, the states split, the days as instants', () => {
    expect(
      parseSearchQuery({
        number: '+14255550123',
        contact: 'JOSÉ  Á',
        caseNumber: ' C1A2B3C4 ',
        from: '2026-11-01',
        to: '2026-11-23',
        queue: 'general',
        agent: 'alice',
        state: 'open, wrap-up',
        pageSize: '5',
        continuation: 'abc',
      }),
    ).toStrictEqual({
      number: CUSTOMER,
      contact: 'jose a',
      caseNumber: 'C1A2B3C4',
      from: '2026-11-01T00:00:00.000Z',
      // The day named last is included: the search runs to the next midnight.
      to: '2026-11-24T00:00:00.000Z',
      queue: 'general',
      agent: 'alice',
      state: ['open', 'wrap-up'],
      pageSize: 5,
      continuation: 'abc',
    });
  });

  it('leaves out fields given empty, and pages by the default size', () => {
    expect(parseSearchQuery({ number: '', contact: '', state: '', queue: 'billing' })).toStrictEqual({
      queue: 'billing',
      pageSize: SEARCH_PAGE_DEFAULT,
    });
  });

  it('takes an instant with its offset, as the same moment in UTC', () => {
    expect(parseSearchQuery({ from: '2026-11-23T10:30:00+01:00', to: '2026-11-23T12:00:00Z' })).toMatchObject(
      {
        from: '2026-11-23T09:30:00.000Z',
        to: '2026-11-23T12:00:00.000Z',
      },
    );
  });

  it('refuses a day that does not exist and an instant without its offset', () => {
    const hint = 'a day YYYY-MM-DD or an instant like 2026-11-23T09:00:00Z';
    expect(refusal({ from: '2026-02-30' })).toBe(`the search is invalid: from: ${hint}`);
    expect(refusal({ to: '2026-11-23T09:00:00' })).toBe(`the search is invalid: to: ${hint}`);
    expect(refusal({ from: 'yesterday' })).toBe(`the search is invalid: from: ${hint}`);
  });

  it('wants the end after the start: a one-day window is the day itself, a reversed one is refused', () => {
    expect(parseSearchQuery({ from: '2026-11-23', to: '2026-11-23' })).toMatchObject({
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-24T00:00:00.000Z',
    });
    expect(refusal({ from: '2026-11-23T09:00:00Z', to: '2026-11-23T09:00:00Z' })).toBe(
      'the search is invalid: to: to must be after from',
    );
    expect(refusal({ from: '2026-11-24', to: '2026-11-22' })).toBe(
      'the search is invalid: to: to must be after from',
    );
    expect(parseSearchQuery({ from: '2026-11-24' })).toMatchObject({ from: '2026-11-24T00:00:00.000Z' });
    expect(parseSearchQuery({ to: '2026-11-22' })).toMatchObject({ to: '2026-11-23T00:00:00.000Z' });
  });

  it('takes a number written with spaces, and says so when the + arrived as a space', () => {
    expect(parseSearchQuery({ number: '+1 425 555 0123' })).toMatchObject({ number: CUSTOMER });
    expect(refusal({ number: ' 14255550123' })).toBe(
      'the search is invalid: number: the + arrived as a space: encode it as %2B',
    );
    expect(refusal({ number: '14255550123' })).toBe(
      'the search is invalid: number: number must be in international form, starting with + and the country code',
    );
  });

  it('wants at least one letter of a name', () => {
    expect(refusal({ contact: '   ' })).toBe(
      'the search is invalid: contact: give at least one letter of the name',
    );
    expect(parseSearchQuery({ contact: 'a' })).toMatchObject({ contact: 'a' });
  });

  it('names every bad field in one answer, with the issues one by one', () => {
    let caught: unknown;
    try {
      parseSearchQuery({ state: 'open,lost', from: 'soon' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.message).toMatch(
      /^the search is invalid: (state\.1: one of .+; from: a day .+|from: .+; state\.1: .+)$/,
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['from', 'state.1']);
  });
});

/** A store that remembers each search it was asked, so a test can see what the filters became. */
class SearchRecordingStore extends MemoryStore {
  readonly searches: { search: ConversationSearch; page: { limit: number; continuation?: string } }[] = [];
  override async searchConversations(
    search: ConversationSearch,
    page: { limit: number; continuation?: string },
  ) {
    this.searches.push({ search: structuredClone(search), page: structuredClone(page) });
    return super.searchConversations(search, page);
  }
}

/** Three conversations an hour apart: José's ended in general, Joseph's with bob in billing, a stranger's waiting. */
async function threeConversations(store: MemoryStore) {
  const jose: Conversation = aConversation({
    id: 'jose',
    caseNumber: caseNumberOf('jose'),
    customerName: 'José Álvarez',
    state: 'wrap-up',
    agentId: 'alice',
    createdAt: '2026-11-23T09:00:00.000Z',
    lastActivityAt: '2026-11-23T09:20:00.000Z',
    wrapUp: { code: 'resolved', label: 'Resolved', at: '2026-11-23T09:20:00.000Z', by: 'agent:alice' },
  });
  const joseph: Conversation = aConversation({
    id: 'joseph',
    customer: OTHER_CUSTOMER,
    customerName: 'Joseph Brown',
    queueId: 'billing',
    state: 'active',
    agentId: 'bob',
    createdAt: '2026-11-23T10:00:00.000Z',
    lastActivityAt: '2026-11-23T10:00:00.000Z',
  });
  const { caseNumber: _none, ...stranger } = aConversation({
    id: 'stranger',
    customer: '+14255550163' as Conversation['customer'],
    createdAt: '2026-11-23T11:00:00.000Z',
    lastActivityAt: '2026-11-23T11:00:00.000Z',
  });
  for (const conversation of [jose, joseph, stranger as Conversation])
    await store.createConversation(conversation);
  await store.createAgent(anAgent({ id: 'alice', queueIds: ['general'] }));
  await store.createAgent(anAgent({ id: 'bob', name: 'Bob', queueIds: ['billing'] }));
  return { jose, joseph };
}

async function searching(query: Record<string, string>, as: Principal = supervisor) {
  const store = new SearchRecordingStore();
  const h = coreHarness(store);
  const made = await threeConversations(store);
  const page = await searchConversations(h.deps, as, parseSearchQuery(query));
  return { page, ids: page.conversations.map((hit) => hit.id), searches: store.searches, ...made };
}

describe('searching conversations', () => {
  it('shows each hit without its transcript: who, where, with whom, when, and the wrap-up when there is one', async () => {
    const { page, jose } = await searching({ contact: 'jose a' });
    expect(page).toStrictEqual({
      conversations: [
        {
          id: 'jose',
          channelId: 'support',
          customer: CUSTOMER,
          customerName: 'José Álvarez',
          caseNumber: jose.caseNumber,
          queueId: 'general',
          agentId: 'alice',
          state: 'wrap-up',
          createdAt: '2026-11-23T09:00:00.000Z',
          lastActivityAt: '2026-11-23T09:20:00.000Z',
          closedAt: null,
          wrapUp: { code: 'resolved', label: 'Resolved', at: '2026-11-23T09:20:00.000Z', by: 'agent:alice' },
        },
      ],
    });
  });

  it('leaves out a name, case number or wrap-up the conversation does not have', async () => {
    const { page } = await searching({ number: '+14255550163' });
    expect(page.conversations).toStrictEqual([
      {
        id: 'stranger',
        channelId: 'support',
        customer: '+14255550163',
        queueId: 'general',
        agentId: null,
        state: 'open',
        createdAt: '2026-11-23T11:00:00.000Z',
        lastActivityAt: '2026-11-23T11:00:00.000Z',
        closedAt: null,
      },
    ]);
  });

  it('asks the store once, with exactly the filters given, and finds what matches them all', async () => {
    const { searches, ids } = await searching({
      number: '+14255550123',
      contact: 'José',
      caseNumber: caseNumberOf('jose'),
      from: '2026-11-23',
      to: '2026-11-23',
      queue: 'general',
      agent: 'alice',
      state: 'wrap-up,wrap-up,active',
      pageSize: '3',
    });
    expect(ids).toEqual(['jose']);
    expect(searches).toStrictEqual([
      {
        search: {
          customer: CUSTOMER,
          customerNamePrefix: 'jose',
          caseNumber: caseNumberOf('jose'),
          createdFrom: '2026-11-23T00:00:00.000Z',
          createdBefore: '2026-11-24T00:00:00.000Z',
          queueId: 'general',
          agentId: 'alice',
          // A state named twice is asked for once.
          states: ['wrap-up', 'active'],
        },
        page: { limit: 3 },
      },
    ]);
  });

  it('asks with no filter and no continuation when none is given', async () => {
    const { searches, ids } = await searching({});
    expect(ids).toEqual(['stranger', 'joseph', 'jose']);
    expect(searches).toStrictEqual([{ search: {}, page: { limit: SEARCH_PAGE_DEFAULT } }]);
  });

  it('finds by each filter, newest first', async () => {
    expect((await searching({ number: '+14255550124' })).ids).toEqual(['joseph']);
    expect((await searching({ contact: 'jos' })).ids).toEqual(['joseph', 'jose']);
    expect((await searching({ queue: 'general' })).ids).toEqual(['stranger', 'jose']);
    expect((await searching({ agent: 'bob' })).ids).toEqual(['joseph']);
    expect((await searching({ state: 'open,active' })).ids).toEqual(['stranger', 'joseph']);
    expect((await searching({ from: '2026-11-23T10:00:00Z' })).ids).toEqual(['stranger', 'joseph']);
    expect((await searching({ to: '2026-11-23T10:00:00Z' })).ids).toEqual(['jose']);
  });

  it('pages: a continuation while more are left, none on the last page', async () => {
    const store = new MemoryStore();
    const h = coreHarness(store);
    await threeConversations(store);
    const first = await searchConversations(h.deps, supervisor, parseSearchQuery({ pageSize: '2' }));
    expect(first.conversations.map((hit) => hit.id)).toEqual(['stranger', 'joseph']);
    expect(first.continuation).toEqual(expect.any(String));
    const second = await searchConversations(
      h.deps,
      supervisor,
      parseSearchQuery({ pageSize: '2', continuation: first.continuation ?? '' }),
    );
    expect(second).toStrictEqual({
      conversations: [expect.objectContaining({ id: 'jose' })],
    });
  });

  it('shows an agent the conversations of their queues and those they last held', async () => {
    const { ids, searches } = await searching({}, { ...alice, agentId: 'bob', userId: 'bob', name: 'Bob' });
    expect(ids).toEqual(['joseph']);
    expect(searches[0]?.search).toStrictEqual({ visibleTo: { queueIds: ['billing'], agentId: 'bob' } });
    expect((await searching({ queue: 'general' }, alice)).ids).toEqual(['stranger', 'jose']);
  });

  it('refuses an agent a queue that is not theirs, and a signed-in agent the store does not know', async () => {
    await expect(searching({ queue: 'billing' }, alice)).rejects.toThrow(
      'agent alice is not a member of queue billing',
    );
    const ghost: Principal = { ...alice, agentId: 'ghost' };
    await expect(searching({}, ghost)).rejects.toThrow(new NotFoundError('agent ghost does not exist'));
  });
});
