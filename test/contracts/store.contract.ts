import { beforeEach, describe, expect, it } from 'vitest';
import {
  type Conversation,
  conversationStates,
  statesTakingMessages,
  transition,
} from '../../shared/domain/conversation.js';
import { ERASED_CUSTOMER } from '../../shared/domain/erasure.js';
import { AlreadyExistsError, ConcurrencyError, NotFoundError } from '../../shared/errors.js';
import type { ConversationSearch, Store } from '../../shared/ports.js';
import {
  aConversation,
  aCustomerState,
  aMessage,
  anAgent,
  CUSTOMER,
  OTHER_CUSTOMER,
} from '../support/builders.js';

/**
 * What every Store adapter promises the use cases. Run it against each implementation (the
 * in-memory fake, SQLite, and later Cosmos DB) with a factory that returns an empty store.
 */
export function storeContract(name: string, makeStore: () => Promise<Store> | Store) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    describe('customer state', () => {
      it('is absent until created, then read back with an etag', async () => {
        expect(await store.getCustomer('support', CUSTOMER)).toBeUndefined();
        const created = await store.putCustomer(aCustomerState({ openConversationId: 'c1' }), null);
        const read = await store.getCustomer('support', CUSTOMER);
        expect(read?.value.openConversationId).toBe('c1');
        expect(read?.etag).toBe(created.etag);
      });

      it('refuses a second create for the same customer and channel', async () => {
        await store.putCustomer(aCustomerState(), null);
        await expect(store.putCustomer(aCustomerState(), null)).rejects.toBeInstanceOf(ConcurrencyError);
      });

      it('keeps customers apart per channel and per number', async () => {
        await store.putCustomer(aCustomerState({ openConversationId: 'a' }), null);
        await store.putCustomer(aCustomerState({ channelId: 'other', openConversationId: 'b' }), null);
        await store.putCustomer(aCustomerState({ customer: OTHER_CUSTOMER, openConversationId: 'c' }), null);
        expect((await store.getCustomer('support', CUSTOMER))?.value.openConversationId).toBe('a');
        expect((await store.getCustomer('other', CUSTOMER))?.value.openConversationId).toBe('b');
        expect((await store.getCustomer('support', OTHER_CUSTOMER))?.value.openConversationId).toBe('c');
      });

      it('replaces only with the current etag, and the etag changes on every write', async () => {
        const first = await store.putCustomer(aCustomerState(), null);
        const second = await store.putCustomer(aCustomerState({ openConversationId: 'x' }), first.etag);
        expect(second.etag).not.toBe(first.etag);
        await expect(
          store.putCustomer(aCustomerState({ openConversationId: 'stale' }), first.etag),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.getCustomer('support', CUSTOMER))?.value.openConversationId).toBe('x');
      });
    });

    describe("a customer's notification sender", () => {
      const POOL = ['+14255550101', '+14255550102'];

      it('is remembered per channel, apart from the customer state, which it neither needs nor makes', async () => {
        const senders = await store.rememberNotificationSenders('alerts', POOL, [
          { customer: CUSTOMER, sender: '+14255550102' },
          { customer: OTHER_CUSTOMER, sender: '+14255550101' },
        ]);
        expect(senders.get(CUSTOMER)).toBe('+14255550102');
        expect(senders.get(OTHER_CUSTOMER)).toBe('+14255550101');
        const read = await store.getNotificationSenders('alerts', [CUSTOMER, OTHER_CUSTOMER]);
        expect(Object.fromEntries(read)).toEqual({
          [CUSTOMER]: '+14255550102',
          [OTHER_CUSTOMER]: '+14255550101',
        });
        expect((await store.getNotificationSenders('support', [CUSTOMER])).size).toBe(0);
        expect(await store.getCustomer('alerts', CUSTOMER)).toBeUndefined();
      });

      it('keeps the one remembered first while it is in the pool: a racing notification gets it', async () => {
        await store.rememberNotificationSenders('alerts', POOL, [
          { customer: CUSTOMER, sender: '+14255550101' },
        ]);
        const senders = await store.rememberNotificationSenders('alerts', POOL, [
          { customer: CUSTOMER, sender: '+14255550102' },
        ]);
        expect(senders.get(CUSTOMER)).toBe('+14255550101');
        expect((await store.getNotificationSenders('alerts', [CUSTOMER])).get(CUSTOMER)).toBe('+14255550101');
      });

      it('is replaced once its number left the pool', async () => {
        await store.rememberNotificationSenders(
          'alerts',
          ['+14255550199'],
          [{ customer: CUSTOMER, sender: '+14255550199' }],
        );
        const senders = await store.rememberNotificationSenders('alerts', POOL, [
          { customer: CUSTOMER, sender: '+14255550102' },
        ]);
        expect(senders.get(CUSTOMER)).toBe('+14255550102');
        expect((await store.getNotificationSenders('alerts', [CUSTOMER])).get(CUSTOMER)).toBe('+14255550102');
      });

      it("are listed and forgotten for the customer on every channel, and no one else's", async () => {
        await store.rememberNotificationSenders('alerts', POOL, [
          { customer: CUSTOMER, sender: '+14255550101' },
          { customer: OTHER_CUSTOMER, sender: '+14255550102' },
        ]);
        await store.rememberNotificationSenders(
          'offers',
          ['+14255550301'],
          [{ customer: CUSTOMER, sender: '+14255550301' }],
        );
        expect(await store.listNotificationSenders(CUSTOMER)).toEqual([
          { channelId: 'alerts', sender: '+14255550101' },
          { channelId: 'offers', sender: '+14255550301' },
        ]);
        expect(await store.deleteNotificationSenders(CUSTOMER)).toEqual(['alerts', 'offers']);
        expect(await store.listNotificationSenders(CUSTOMER)).toEqual([]);
        expect((await store.getNotificationSenders('alerts', [CUSTOMER])).size).toBe(0);
        expect(await store.listNotificationSenders(OTHER_CUSTOMER)).toEqual([
          { channelId: 'alerts', sender: '+14255550102' },
        ]);
      });
    });

    describe('conversations', () => {
      it('are created once; a second create with the same id fails and changes nothing', async () => {
        await store.createConversation(aConversation({ queueId: 'general' }));
        await expect(store.createConversation(aConversation({ queueId: 'other' }))).rejects.toBeInstanceOf(
          AlreadyExistsError,
        );
        expect((await store.getConversation('conv-1'))?.value.queueId).toBe('general');
      });

      it('are created with their first message together, once', async () => {
        const created = await store.createConversationWithMessage(aConversation({ lastSeq: 1 }), aMessage());
        expect((await store.getConversation('conv-1'))?.etag).toBe(created.etag);
        expect((await store.listMessages('conv-1')).map((m) => m.id)).toEqual(['local:m1']);
        await expect(
          store.createConversationWithMessage(
            aConversation({ queueId: 'other' }),
            aMessage({ id: 'local:m2' }),
          ),
        ).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await store.getConversation('conv-1'))?.value.queueId).toBe('general');
        expect((await store.listMessages('conv-1')).map((m) => m.id)).toEqual(['local:m1']);
      });

      it('are replaced only with the current etag', async () => {
        const created = await store.createConversation(aConversation());
        const updated = await store.replaceConversation(
          aConversation({ state: 'active', agentId: 'alice' }),
          created.etag,
        );
        await expect(
          store.replaceConversation(aConversation({ state: 'closed' }), created.etag),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        const read = await store.getConversation('conv-1');
        expect(read?.value.state).toBe('active');
        expect(read?.etag).toBe(updated.etag);
      });

      it('cannot be replaced when they do not exist', async () => {
        await expect(store.replaceConversation(aConversation(), '1')).rejects.toBeInstanceOf(NotFoundError);
      });

      it('are found by queue, agent, channel, state and idleness, oldest first', async () => {
        await store.createConversation(
          aConversation({
            id: 'b',
            createdAt: '2026-11-23T09:02:00.000Z',
            lastActivityAt: '2026-11-23T09:02:00.000Z',
          }),
        );
        await store.createConversation(
          aConversation({
            id: 'a',
            createdAt: '2026-11-23T09:01:00.000Z',
            lastActivityAt: '2026-11-23T09:05:00.000Z',
          }),
        );
        await store.createConversation(
          aConversation({
            id: 'c',
            state: 'active',
            agentId: 'alice',
            createdAt: '2026-11-23T09:00:00.000Z',
          }),
        );
        await store.createConversation(
          aConversation({ id: 'd', channelId: 'alerts', queueId: 'vip', state: 'closed' }),
        );

        const ids = async (query: Parameters<Store['findConversations']>[0]) =>
          (await store.findConversations(query)).map((c) => c.value.id);
        expect(await ids({ queueId: 'general', states: ['open'] })).toEqual(['a', 'b']);
        expect(await ids({ agentId: 'alice' })).toEqual(['c']);
        expect(await ids({ states: ['open', 'active'] })).toEqual(['c', 'a', 'b']);
        expect(await ids({ states: [] })).toEqual([]);
        expect(await ids({ idleBefore: '2026-11-23T09:03:00.000Z', states: ['open'] })).toEqual(['b']);
        expect(await ids({ queueId: 'general', limit: 2 })).toEqual(['c', 'a']);
        expect(await ids({ after: { createdAt: '2026-11-23T09:01:00.000Z', id: 'a' } })).toEqual(['b']);
      });

      it('are found only while under way: a read of the work never returns a closed conversation', async () => {
        await store.createConversation(aConversation({ id: 'done', state: 'closed', channelId: 'alerts' }));
        await store.createConversation(aConversation({ id: 'live', channelId: 'alerts' }));
        const ids = async (query: Parameters<Store['findConversations']>[0]) =>
          (await store.findConversations(query)).map((c) => c.value.id);
        expect(await ids({ channelId: 'alerts' })).toEqual(['live']);
        expect(await ids({})).toEqual(['live']);
        const closing = await store.getConversation('live');
        if (!closing) throw new Error('expected the conversation');
        await store.replaceConversation({ ...closing.value, state: 'closed' }, closing.etag);
        expect(await ids({})).toEqual([]);
      });

      it('are listed per customer and channel, newest first, closed ones too, a page at a time', async () => {
        const at = (minute: number) => `2026-11-23T09:0${minute}:00.000Z`;
        await store.createConversation(aConversation({ id: 'h1', state: 'closed', createdAt: at(1) }));
        await store.createConversation(aConversation({ id: 'h2', state: 'closed', createdAt: at(2) }));
        await store.createConversation(aConversation({ id: 'h3', createdAt: at(3) }));
        await store.createConversation(
          aConversation({ id: 'other-channel', channelId: 'alerts', createdAt: at(4) }),
        );
        await store.createConversation(
          aConversation({ id: 'other-customer', customer: OTHER_CUSTOMER, createdAt: at(5) }),
        );
        const first = await store.findCustomerConversations({
          channelId: 'support',
          customer: CUSTOMER,
          limit: 2,
        });
        expect(first.map((c) => c.value.id)).toEqual(['h3', 'h2']);
        const last = first.at(-1)?.value;
        if (!last) throw new Error('expected a page');
        const next = await store.findCustomerConversations({
          channelId: 'support',
          customer: CUSTOMER,
          limit: 2,
          before: { createdAt: last.createdAt, id: last.id },
        });
        expect(next.map((c) => c.value.id)).toEqual(['h1']);
        expect(next[0]?.value.state).toBe('closed');
      });

      it('are searched in any state, newest first, a page at a time to the end', async () => {
        const at = (minute: number) => `2026-11-23T09:0${minute}:00.000Z`;
        for (const [id, minute, state] of [
          ['s1', 1, 'closed'],
          ['s2', 2, 'open'],
          ['s3', 3, 'closed'],
          ['s4', 4, 'active'],
          ['s5', 5, 'closed'],
          ['s6', 8, 'closed'],
        ] as const) {
          await store.createConversation(aConversation({ id, createdAt: at(minute), state }));
        }
        const seen: string[] = [];
        let continuation: string | undefined;
        let pages = 0;
        do {
          const page = await store.searchConversations(
            { createdFrom: at(1), createdBefore: at(6) },
            { limit: 2, ...(continuation === undefined ? {} : { continuation }) },
          );
          expect(page.conversations.length).toBeLessThanOrEqual(2);
          seen.push(...page.conversations.map((c) => c.value.id));
          continuation = page.continuation;
          pages += 1;
        } while (continuation !== undefined && pages < 10);
        expect(seen).toEqual(['s5', 's4', 's3', 's2', 's1']);
        const closed = await store.searchConversations({ states: ['closed'] }, { limit: 10 });
        expect(closed.conversations.map((c) => c.value.id)).toEqual(['s6', 's5', 's3', 's1']);
        expect(closed.continuation).toBeUndefined();
      });

      it('break a tie in creation time by id, newest first, across pages', async () => {
        for (const id of ['t1', 't2', 't3']) {
          await store.createConversation(aConversation({ id, createdAt: '2026-11-23T09:00:00.000Z' }));
        }
        const first = await store.searchConversations({}, { limit: 2 });
        expect(first.conversations.map((c) => c.value.id)).toEqual(['t3', 't2']);
        const second = await store.searchConversations(
          {},
          { limit: 2, ...(first.continuation === undefined ? {} : { continuation: first.continuation }) },
        );
        expect(second.conversations.map((c) => c.value.id)).toEqual(['t1']);
        expect(second.continuation).toBeUndefined();
      });

      describe('searched by what a person knows of them', () => {
        const at = (minute: number) => `2026-11-23T10:0${minute}:00.000Z`;
        beforeEach(async () => {
          const rows: Partial<Conversation>[] = [
            { id: 'f1', customerName: 'José Álvarez', caseNumber: 'C-1001', agentId: 'alice' },
            {
              id: 'f2',
              customer: OTHER_CUSTOMER,
              customerName: 'Joseph Brown',
              caseNumber: 'C-1002',
              queueId: 'billing',
              agentId: 'bob',
              state: 'closed',
            },
            { id: 'f3', customerName: 'Ann Lee', caseNumber: 'C-1003', channelId: 'other', state: 'active' },
            { id: 'f4', caseNumber: 'C-1004', queueId: 'billing', agentId: null },
            {
              id: 'f5',
              customerName: '50%_off Ltd',
              caseNumber: 'C-1005',
              queueId: 'billing',
              agentId: 'alice',
            },
          ];
          for (const [index, row] of rows.entries())
            await store.createConversation(aConversation({ ...row, createdAt: at(index + 1) }));
        });
        const ids = async (search: ConversationSearch) =>
          (await store.searchConversations(search, { limit: 10 })).conversations.map((c) => c.value.id);

        it("by the customer's number", async () => {
          expect(await ids({ customer: OTHER_CUSTOMER })).toEqual(['f2']);
          expect(await ids({ customer: CUSTOMER })).toEqual(['f5', 'f4', 'f3', 'f1']);
        });

        it('by case number, exactly', async () => {
          expect(await ids({ caseNumber: 'C-1003' })).toEqual(['f3']);
          expect(await ids({ caseNumber: 'C-100' })).toEqual([]);
        });

        it("by a folded prefix of the customer's name (case and accents ignored, no wildcards)", async () => {
          expect(await ids({ customerNamePrefix: 'jos' })).toEqual(['f2', 'f1']);
          expect(await ids({ customerNamePrefix: 'jose a' })).toEqual(['f1']);
          expect(await ids({ customerNamePrefix: 'lee' })).toEqual([]);
          expect(await ids({ customerNamePrefix: '50%_' })).toEqual(['f5']);
          expect(await ids({ customerNamePrefix: '5%' })).toEqual([]);
        });

        it('no longer by a name taken off the conversation (a contact deleted, a customer erased)', async () => {
          const stored = await store.getConversation('f1');
          if (!stored) throw new Error('f1 was written above');
          const { customerName: _taken, ...nameless } = stored.value;
          await store.replaceConversation(nameless, stored.etag);
          expect(await ids({ customerNamePrefix: 'jos' })).toEqual(['f2']);
          expect((await store.getConversation('f1'))?.value).toEqual(nameless);
        });

        it('no longer by the number of a customer erased from it, only by what replaced it', async () => {
          const stored = await store.getConversation('f2');
          if (!stored) throw new Error('f2 was written above');
          await store.replaceConversation({ ...stored.value, customer: ERASED_CUSTOMER }, stored.etag);
          expect(await ids({ customer: OTHER_CUSTOMER })).toEqual([]);
          expect(await ids({ customer: ERASED_CUSTOMER })).toEqual(['f2']);
          expect(await ids({ caseNumber: 'C-1002' })).toEqual(['f2']);
          const listed = await store.findCustomerConversations({
            channelId: 'support',
            customer: OTHER_CUSTOMER,
            limit: 10,
          });
          expect(listed).toEqual([]);
        });

        it('by channel, queue, agent and state, together', async () => {
          expect(await ids({ channelId: 'other' })).toEqual(['f3']);
          expect(await ids({ queueId: 'billing' })).toEqual(['f5', 'f4', 'f2']);
          expect(await ids({ agentId: 'alice' })).toEqual(['f5', 'f1']);
          expect(await ids({ states: ['closed', 'active'] })).toEqual(['f3', 'f2']);
          expect(await ids({ queueId: 'billing', agentId: 'alice', states: ['open'] })).toEqual(['f5']);
        });

        it('by date range: from inclusive, before exclusive', async () => {
          expect(await ids({ createdFrom: at(2), createdBefore: at(4) })).toEqual(['f3', 'f2']);
        });

        it("as an agent sees them: their queues' conversations and those they held", async () => {
          expect(await ids({ visibleTo: { queueIds: ['general'], agentId: 'bob' } })).toEqual([
            'f3',
            'f2',
            'f1',
          ]);
          expect(await ids({ visibleTo: { queueIds: [], agentId: 'alice' } })).toEqual(['f5', 'f1']);
          expect(
            await ids({ visibleTo: { queueIds: ['billing'], agentId: 'carol' }, customerNamePrefix: 'jo' }),
          ).toEqual(['f2']);
        });
      });

      it('hand out the next sequence number in one write while open, active or in wrap-up', async () => {
        const created = await store.createConversation(aConversation({ lastSeq: 4 }));
        const taken = await store.takeNextSeq('conv-1', '2026-11-23T10:00:00.000Z');
        expect(taken?.value).toMatchObject({
          lastSeq: 5,
          lastActivityAt: '2026-11-23T10:00:00.000Z',
          state: 'open',
        });
        expect(taken?.etag).not.toBe(created.etag);
        expect((await store.getConversation('conv-1'))?.etag).toBe(taken?.etag);
        for (const state of ['active', 'wrap-up'] as const) {
          const current = await store.getConversation('conv-1');
          if (!current) throw new Error('expected the conversation');
          await store.replaceConversation({ ...current.value, state }, current.etag);
          expect((await store.takeNextSeq('conv-1', '2026-11-23T10:01:00.000Z'))?.value.state).toBe(state);
        }
        expect((await store.getConversation('conv-1'))?.value.lastSeq).toBe(7);
      });

      it('hand out no sequence number while waiting or closed, or for a conversation that does not exist', async () => {
        for (const state of ['waiting', 'closed'] as const) {
          await store.createConversation(aConversation({ id: state, state, lastSeq: 2 }));
          expect(await store.takeNextSeq(state, '2026-11-23T10:00:00.000Z')).toBeUndefined();
          expect((await store.getConversation(state))?.value.lastSeq).toBe(2);
        }
        expect(await store.takeNextSeq('ghost', '2026-11-23T10:00:00.000Z')).toBeUndefined();
      });

      it.each(conversationStates)(
        'hand out a sequence number in state %s exactly when the domain says that state takes messages',
        async (state) => {
          await store.createConversation(aConversation({ id: `in-${state}`, state, lastSeq: 2 }));
          const taken = await store.takeNextSeq(`in-${state}`, '2026-11-23T10:00:00.000Z');
          const takes = statesTakingMessages.includes(state);
          expect(taken?.value.lastSeq).toBe(takes ? 3 : undefined);
          expect((await store.getConversation(`in-${state}`))?.value.lastSeq).toBe(takes ? 3 : 2);
        },
      );

      it('come back with etags that a replace accepts', async () => {
        await store.createConversation(aConversation());
        const [found] = await store.findConversations({ queueId: 'general' });
        if (!found) throw new Error('expected a conversation');
        await store.replaceConversation({ ...found.value, state: 'active' }, found.etag);
        expect((await store.getConversation('conv-1'))?.value.state).toBe('active');
      });
    });

    describe('messages', () => {
      it('are stored once per id within a conversation', async () => {
        await store.createMessage(aMessage({ text: 'first' }));
        await expect(store.createMessage(aMessage({ text: 'again' }))).rejects.toBeInstanceOf(
          AlreadyExistsError,
        );
        expect((await store.getMessage('conv-1', 'local:m1'))?.value.text).toBe('first');
        expect(await store.getMessage('conv-2', 'local:m1')).toBeUndefined();
      });

      it('are listed by sequence number, whatever order they were written in', async () => {
        await store.createMessage(aMessage({ id: 'm3', seq: 3 }));
        await store.createMessage(aMessage({ id: 'm1', seq: 1 }));
        await store.createMessage(aMessage({ id: 'm2', seq: 2 }));
        await store.createMessage(aMessage({ id: 'other', seq: 1, conversationId: 'conv-2' }));
        expect((await store.listMessages('conv-1')).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
      });

      it('are replaced only with the current etag', async () => {
        const created = await store.createMessage(aMessage({ status: 'queued', direction: 'outbound' }));
        await store.replaceMessage(aMessage({ status: 'sent', direction: 'outbound' }), created.etag);
        await expect(
          store.replaceMessage(aMessage({ status: 'failed', direction: 'outbound' }), created.etag),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.getMessage('conv-1', 'local:m1'))?.value.status).toBe('sent');
        await expect(store.replaceMessage(aMessage({ id: 'ghost' }), '1')).rejects.toBeInstanceOf(
          NotFoundError,
        );
      });
    });

    describe('poison events', () => {
      const poison = (receivedAt: string, eventId: string) => ({
        id: `${receivedAt}|acs|${eventId}`,
        provider: 'acs',
        eventId,
        eventType: 'Microsoft.Communication.SMSReceived',
        receivedAt,
        reason: 'ACS SMSReceived event is invalid',
        providerMessageId: null,
        from: '+1********23',
        to: null,
      });

      it('are kept once and listed newest first, a page at a time', async () => {
        const events = [
          poison('2026-11-23T09:00:00.000Z', 'e1'),
          poison('2026-11-23T09:00:00.000Z', 'e2'),
          poison('2026-11-23T10:00:00.000Z', 'e3'),
        ];
        expect(await store.listPoisonEvents({ limit: 10 })).toEqual([]);
        for (const event of events) await store.putPoisonEvent(event);
        const [e1, e2, e3] = events;
        if (!e1) throw new Error('three events');
        await store.putPoisonEvent({ ...e1, reason: 'kept once' });
        expect(await store.listPoisonEvents({ limit: 10 })).toEqual([e3, e2, e1]);
        const first = await store.listPoisonEvents({ limit: 2 });
        expect(first).toEqual([e3, e2]);
        expect(await store.listPoisonEvents({ before: first.at(-1)?.id, limit: 2 })).toEqual([e1]);
      });
    });

    describe('provider message lookups', () => {
      it('find our message by the provider and its id, and writing one again changes nothing', async () => {
        const ref = {
          provider: 'twilio',
          providerMessageId: 'SM0123456789abcdef0123456789abcdef',
          conversationId: 'conv-1',
          messageId: 'm-1',
        };
        expect(await store.getProviderMessage('twilio', ref.providerMessageId)).toBeUndefined();
        await store.putProviderMessage(ref);
        await store.putProviderMessage(ref);
        expect(await store.getProviderMessage('twilio', ref.providerMessageId)).toEqual(ref);
        // Ids are per provider, and any string a provider uses is a key.
        expect(await store.getProviderMessage('acs', ref.providerMessageId)).toBeUndefined();
        const odd = { ...ref, provider: 'acs', providerMessageId: 'Outgoing_a/b?c#d\\e', messageId: 'm-2' };
        await store.putProviderMessage(odd);
        expect(await store.getProviderMessage('acs', odd.providerMessageId)).toEqual(odd);
      });
    });

    describe('notifications', () => {
      it('are created once and read back', async () => {
        const notification = {
          id: 'n1',
          channelId: 'alerts',
          requestHash: 'abc',
          createdAt: '2026-11-23T09:00:00.000Z',
          sendAt: null,
          recipients: [{ to: '+14255550123', status: 'queued' as const, messageId: 'm1' }],
        };
        expect(await store.getNotification('n1')).toBeUndefined();
        await store.createNotification(notification);
        await expect(
          store.createNotification({ ...notification, requestHash: 'other' }),
        ).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await store.getNotification('n1'))?.value).toEqual(notification);
      });
    });

    describe('sender paces', () => {
      it('are created once and replaced only with the current etag', async () => {
        expect(await store.getSenderPace('+14255550100')).toBeUndefined();
        const first = await store.putSenderPace(
          { number: '+14255550100', nextSlotAt: '2026-11-23T09:00:01.000Z' },
          null,
        );
        await expect(
          store.putSenderPace({ number: '+14255550100', nextSlotAt: '2026-11-23T09:00:09.000Z' }, null),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        await store.putSenderPace(
          { number: '+14255550100', nextSlotAt: '2026-11-23T09:00:02.000Z' },
          first.etag,
        );
        await expect(
          store.putSenderPace({ number: '+14255550100', nextSlotAt: '2026-11-23T09:00:09.000Z' }, first.etag),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.getSenderPace('+14255550100'))?.value.nextSlotAt).toBe(
          '2026-11-23T09:00:02.000Z',
        );
      });
    });

    describe('agents', () => {
      it('are created once, listed by id and replaced only with the current etag', async () => {
        await store.createAgent(anAgent({ id: 'bob' }));
        const alice = await store.createAgent(anAgent({ id: 'alice' }));
        await expect(store.createAgent(anAgent({ id: 'alice' }))).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await store.listAgents()).map((a) => a.value.id)).toEqual(['alice', 'bob']);

        const busy = await store.replaceAgent(anAgent({ id: 'alice', presence: 'busy' }), alice.etag);
        await expect(
          store.replaceAgent(anAgent({ id: 'alice', presence: 'away' }), alice.etag),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        const read = await store.getAgent('alice');
        expect(read?.value.presence).toBe('busy');
        expect(read?.etag).toBe(busy.etag);
        await expect(store.replaceAgent(anAgent({ id: 'carol' }), '1')).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe("a queue's agents", () => {
      const ids = async (query: Parameters<Store['listAgents']>[0]) =>
        (await store.listAgents(query)).map((a) => a.value.id);

      it('are listed by queue and presence, by id, following every change of presence and queues', async () => {
        const alice = await store.createAgent(anAgent({ id: 'alice', queueIds: ['general', 'billing'] }));
        await store.createAgent(anAgent({ id: 'bob', queueIds: ['billing'], presence: 'away' }));
        const carol = await store.createAgent(anAgent({ id: 'carol', queueIds: ['general'] }));

        expect(await ids({ queueId: 'general' })).toEqual(['alice', 'carol']);
        expect(await ids({ queueId: 'billing', presence: 'available' })).toEqual(['alice']);
        expect(await ids({ presence: 'away' })).toEqual(['bob']);
        expect(await ids({ queueId: 'sales' })).toEqual([]);

        // Capacity in use changes nothing a roster holds; presence and queues do.
        const busy = await store.replaceAgent(
          { ...alice.value, assignments: [{ conversationId: 'conv-1', since: '2026-11-23T09:00:00.000Z' }] },
          alice.etag,
        );
        await store.replaceAgent({ ...busy.value, presence: 'away', queueIds: ['billing'] }, busy.etag);
        await store.replaceAgent({ ...carol.value, queueIds: ['sales'] }, carol.etag);
        expect(await ids({ queueId: 'general' })).toEqual([]);
        expect(await ids({ queueId: 'billing', presence: 'available' })).toEqual([]);
        expect(await ids({ queueId: 'billing', presence: 'away' })).toEqual(['alice', 'bob']);
        expect(await ids({ queueId: 'sales', presence: 'available' })).toEqual(['carol']);

        const [read] = await store.listAgents({ queueId: 'billing', presence: 'away' });
        expect(read?.value.assignments).toHaveLength(1);
        expect(read?.etag).toBe((await store.getAgent('alice'))?.etag);
      });

      it('no longer lists a removed agent, in any queue', async () => {
        const alice = await store.createAgent(anAgent({ queueIds: ['general', 'billing'] }));
        expect(await store.deleteAgent('alice', alice.etag)).toBe(true);
        expect(await ids({ queueId: 'general' })).toEqual([]);
        expect(await ids({ queueId: 'billing' })).toEqual([]);
        expect(await ids({})).toEqual([]);
      });
    });

    describe('agent removal', () => {
      it('removes an agent only with the current etag, and says when there was none', async () => {
        const alice = await store.createAgent(anAgent());
        const busy = await store.replaceAgent(anAgent({ presence: 'busy' }), alice.etag);
        await expect(store.deleteAgent('alice', alice.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.deleteAgent('alice', busy.etag)).toBe(true);
        expect(await store.getAgent('alice')).toBeUndefined();
        expect(await store.deleteAgent('alice', busy.etag)).toBe(false);
      });
    });

    describe('configuration', () => {
      const configuration = {
        channels: [],
        queues: [{ id: 'general', name: 'General', distribution: 'push' as const }],
      };

      it('is absent until created, and created once', async () => {
        expect(await store.getConfiguration()).toBeUndefined();
        const created = await store.putConfiguration(configuration, null);
        await expect(store.putConfiguration(configuration, null)).rejects.toBeInstanceOf(ConcurrencyError);
        const read = await store.getConfiguration();
        expect(read?.value).toEqual(configuration);
        expect(read?.etag).toBe(created.etag);
      });

      it('is replaced only with the current etag', async () => {
        const first = await store.putConfiguration(configuration, null);
        const renamed = {
          ...configuration,
          queues: [{ id: 'general', name: 'Support', distribution: 'pick' as const }],
        };
        const second = await store.putConfiguration(renamed, first.etag);
        expect(second.etag).not.toBe(first.etag);
        await expect(store.putConfiguration(configuration, first.etag)).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect((await store.getConfiguration())?.value).toEqual(renamed);
      });
    });

    describe('contacts', () => {
      const contact = (number: string, name = 'Ada') => ({
        number: number as never,
        name,
        language: 'fr',
        attributes: { tier: 'gold' },
        createdAt: '2026-11-23T09:00:00.000Z',
        updatedAt: '2026-11-23T09:00:00.000Z',
      });

      it('are read by number, created once and replaced only with the current etag', async () => {
        expect(await store.getContact(CUSTOMER)).toBeUndefined();
        const created = await store.putContact(contact(CUSTOMER), null);
        await expect(store.putContact(contact(CUSTOMER), null)).rejects.toBeInstanceOf(ConcurrencyError);
        await store.putContact(contact(CUSTOMER, 'Ada Lovelace'), created.etag);
        await expect(store.putContact(contact(CUSTOMER, 'stale'), created.etag)).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect((await store.getContact(CUSTOMER))?.value).toEqual(contact(CUSTOMER, 'Ada Lovelace'));
      });

      it('are listed in number order, a page at a time', async () => {
        for (const n of ['+14255550125', '+14255550123', '+14255550124'])
          await store.putContact(contact(n), null);
        const first = await store.listContacts({ limit: 2 });
        expect(first.map((c) => c.number)).toEqual(['+14255550123', '+14255550124']);
        const next = await store.listContacts({ after: first[1]?.number, limit: 2 });
        expect(next.map((c) => c.number)).toEqual(['+14255550125']);
      });

      it('are deleted only with the current etag', async () => {
        const created = await store.putContact(contact(CUSTOMER), null);
        const updated = await store.putContact(contact(CUSTOMER, 'B'), created.etag);
        await expect(store.deleteContact(CUSTOMER, created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.deleteContact(CUSTOMER, updated.etag)).toBe(true);
        expect(await store.getContact(CUSTOMER)).toBeUndefined();
        expect(await store.deleteContact(CUSTOMER, updated.etag)).toBe(false);
      });
    });

    describe('templates', () => {
      const template = (id: string, text = 'Your order {order} is on its way') => ({
        id,
        versions: [
          {
            version: 1,
            name: 'Shipped',
            texts: { en: text },
            defaultLanguage: 'en',
            variables: ['order'],
            createdAt: '2026-11-23T09:00:00.000Z',
            createdBy: 'admin',
          },
        ],
      });

      it('are created once, replaced under their etag, listed by id and deleted', async () => {
        const created = await store.putTemplate(template('shipped'), null);
        await store.putTemplate(template('arrived'), null);
        await expect(store.putTemplate(template('shipped'), null)).rejects.toBeInstanceOf(ConcurrencyError);
        const updated = await store.putTemplate(template('shipped', 'Shipped: {order}'), created.etag);
        await expect(store.putTemplate(template('shipped', 'stale'), created.etag)).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect((await store.listTemplates()).map((t) => t.value.id)).toEqual(['arrived', 'shipped']);
        expect((await store.getTemplate('shipped'))?.value.versions[0]?.texts).toEqual({
          en: 'Shipped: {order}',
        });
        expect(await store.deleteTemplate('shipped', updated.etag)).toBe(true);
        expect(await store.getTemplate('shipped')).toBeUndefined();
      });
    });

    describe('quick replies', () => {
      const reply = (
        id: string,
        owner: { scope: 'organization' } | { scope: 'personal'; agentId: string },
        name = 'Thanks',
      ) => ({
        id,
        ...owner,
        name,
        texts: { en: 'Thanks {customerName}, case {caseNumber}' },
        defaultLanguage: 'en',
        variables: ['customerName', 'caseNumber'],
        updatedAt: '2026-11-23T09:00:00.000Z',
        updatedBy: 'admin',
      });
      const org = { scope: 'organization' } as const;
      const alice = { scope: 'personal', agentId: 'alice' } as const;
      const aliceB = { scope: 'personal', agentId: 'alice-b' } as const;

      it("are kept per owner: each owner's list holds its own, by id, and no one else's", async () => {
        await store.putQuickReply(reply('b', org), null);
        await store.putQuickReply(reply('a', org), null);
        await store.putQuickReply(reply('a', alice), null);
        await store.putQuickReply(reply('z', aliceB), null);
        const ids = async (owner: string) => (await store.listQuickReplies(owner)).map((r) => r.value.id);
        expect(await ids('organization')).toEqual(['a', 'b']);
        expect(await ids('agent:alice')).toEqual(['a']);
        expect(await ids('agent:alice-b')).toEqual(['z']);
        expect(await ids('agent:bob')).toEqual([]);
        expect((await store.getQuickReply('agent:alice', 'a'))?.value).toMatchObject({
          scope: 'personal',
          agentId: 'alice',
        });
        expect(await store.getQuickReply('agent:bob', 'a')).toBeUndefined();
      });

      it('are created once, replaced under their etag and deleted under it', async () => {
        const created = await store.putQuickReply(reply('a', alice), null);
        await expect(store.putQuickReply(reply('a', alice), null)).rejects.toBeInstanceOf(ConcurrencyError);
        const updated = await store.putQuickReply(reply('a', alice, 'Thank you'), created.etag);
        await expect(store.putQuickReply(reply('a', alice, 'stale'), created.etag)).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect((await store.getQuickReply('agent:alice', 'a'))?.value.name).toBe('Thank you');
        await expect(store.deleteQuickReply('agent:alice', 'a', created.etag)).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await store.deleteQuickReply('agent:alice', 'a', updated.etag)).toBe(true);
        expect(await store.getQuickReply('agent:alice', 'a')).toBeUndefined();
        expect(await store.deleteQuickReply('agent:alice', 'a', updated.etag)).toBe(false);
      });
    });

    describe('the outbox', () => {
      const types = async () => (await store.pendingEvents(100)).map((pending) => pending.event.type);

      it('holds the events of each change, written with it, oldest first', async () => {
        const created = await store.createConversationWithMessage(aConversation({ lastSeq: 1 }), aMessage());
        const assigned = transition(
          (await store.getConversation('conv-1'))?.value ?? aConversation(),
          { type: 'assign', agentId: 'alice' },
          { kind: 'system' },
          '2026-11-23T09:01:00.000Z',
        );
        await store.replaceConversation(assigned, created.etag);
        expect(await types()).toEqual([
          'conversation.opened',
          'conversation.queued',
          'message.received',
          'conversation.assigned',
        ]);
        const [opened] = await store.pendingEvents(1);
        expect(opened?.event).toMatchObject({
          id: 'conv-1:0:conversation.opened',
          subject: 'conversations/conv-1',
          data: {
            conversationId: 'conv-1',
            channelId: 'support',
            queueId: 'general',
            customer: '+1********23',
          },
        });
      });

      it('gets nothing from a write that fails, and nothing from a write that changes no state', async () => {
        const created = await store.createConversation(aConversation());
        await store.removeEvents((await store.pendingEvents(100)).map((pending) => pending.receipt));
        const assigned = transition(
          aConversation(),
          { type: 'assign', agentId: 'alice' },
          { kind: 'system' },
          'now',
        );
        await expect(store.replaceConversation(assigned, 'stale')).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(store.createConversation(aConversation())).rejects.toBeInstanceOf(AlreadyExistsError);
        await store.replaceConversation({ ...aConversation(), toldPosition: 2 }, created.etag);
        expect(await types()).toEqual([]);
      });

      it('records a delivery status once, when it changes, and never carries the text', async () => {
        const sent = await store.createMessage(
          aMessage({
            id: 'out-1',
            direction: 'outbound',
            status: 'queued',
            from: aMessage().to,
            to: CUSTOMER,
          }),
        );
        const stored = await store.getMessage('conv-1', 'out-1');
        const delivered = await store.replaceMessage(
          { ...(stored?.value ?? aMessage()), status: 'delivered' },
          sent.etag,
        );
        await store.replaceMessage({ ...(stored?.value ?? aMessage()), status: 'delivered' }, delivered.etag);
        const events = await store.pendingEvents(100);
        expect(events.map((pending) => pending.event.type)).toEqual(['message.delivered']);
        expect(JSON.stringify(events)).not.toContain('Hello, I need help');
        expect(JSON.stringify(events)).not.toContain(CUSTOMER);
      });

      it('records a change of consent, and not a write that keeps it', async () => {
        const first = await store.putCustomer(aCustomerState(), null);
        const out = await store.putCustomer(aCustomerState({ optedOut: true }), first.etag);
        await store.putCustomer(aCustomerState({ optedOut: true, openConversationId: 'x' }), out.etag);
        const events = await store.pendingEvents(100);
        expect(events.map((pending) => pending.event.data)).toEqual([
          { channelId: 'support', customer: '+1********23', optedOut: true },
        ]);
      });

      it('records a survey answered once, with its score and not its text', async () => {
        const created = await store.createConversation(
          aConversation({ state: 'closed', survey: { sentAt: '2026-11-23T10:00:00.000Z' } }),
        );
        await store.removeEvents((await store.pendingEvents(100)).map((pending) => pending.receipt));
        const answered = aConversation({
          state: 'closed',
          survey: {
            sentAt: '2026-11-23T10:00:00.000Z',
            answeredAt: '2026-11-23T10:05:00.000Z',
            score: 4,
            text: '4 thanks, quick help',
            messageId: 'local:m9',
          },
        });
        const written = await store.replaceConversation(answered, created.etag);
        await store.replaceConversation({ ...answered, toldPosition: 1 }, written.etag);
        const events = await store.pendingEvents(100);
        expect(events.map((pending) => pending.event.type)).toEqual(['survey.answered']);
        expect(events[0]?.event.data).toMatchObject({
          score: 4,
          messageId: 'local:m9',
          caseNumber: expect.any(String),
        });
        expect(JSON.stringify(events)).not.toContain('quick help');
      });

      it('forgets published events by their receipts and keeps the rest', async () => {
        await store.createConversation(aConversation());
        const [first] = await store.pendingEvents(1);
        await store.removeEvents(first ? [first.receipt] : []);
        await store.removeEvents(first ? [first.receipt] : []);
        expect(await types()).toEqual(['conversation.queued']);
      });
    });

    it('returns copies: changing a value read back does not change what is stored', async () => {
      await store.createAgent(anAgent());
      const read = await store.getAgent('alice');
      read?.value.assignments.push({ conversationId: 'x', since: 'now' });
      expect((await store.getAgent('alice'))?.value.assignments).toEqual([]);
    });
  });
}
