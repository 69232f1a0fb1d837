import { beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../shared/domain/notification.js';
import { ConcurrencyError } from '../../shared/errors.js';
import type { Store, TranscriptExpiry } from '../../shared/ports.js';
import { aConversation, aCustomerState, aMessage, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';

const aNotification = (id: string, to: string[]): Notification => ({
  id,
  channelId: 'alerts',
  requestHash: 'abc',
  createdAt: '2026-11-23T09:00:00.000Z',
  sendAt: null,
  recipients: to.map((number, index) => ({
    to: number,
    status: 'queued' as const,
    messageId: `${id}-m${index}`,
  })),
});

/**
 * What erasing and exporting a customer need of every Store adapter (issue 14): the customer's
 * records across channels, removing one message or one record, the notifications that reached a
 * number, and what an erased customer's opt-outs leave behind.
 */
export function storeDataLifeContract(name: string, makeStore: () => Promise<Store> | Store) {
  describe(`Store contract, the data's life: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    it("lists a customer's records on every channel, and removes one channel's without the others", async () => {
      await store.putCustomer(aCustomerState({ optedOut: true }), null);
      await store.putCustomer(aCustomerState({ channelId: 'alerts' }), null);
      await store.putCustomer(aCustomerState({ customer: OTHER_CUSTOMER }), null);

      const states = await store.listCustomerStates(CUSTOMER);
      expect(states.map((s) => [s.value.channelId, s.value.optedOut])).toEqual([
        ['alerts', false],
        ['support', true],
      ]);

      expect(await store.deleteCustomer('support', CUSTOMER)).toBe(true);
      expect(await store.deleteCustomer('support', CUSTOMER)).toBe(false);
      expect(await store.getCustomer('support', CUSTOMER)).toBeUndefined();
      expect((await store.listCustomerStates(CUSTOMER)).map((s) => s.value.channelId)).toEqual(['alerts']);
      expect(await store.getCustomer('support', OTHER_CUSTOMER)).toBeDefined();
    });

    it('removes one message and leaves the conversation and its other messages', async () => {
      await store.createConversationWithMessage(aConversation({ lastSeq: 2 }), aMessage());
      await store.createMessage(aMessage({ id: 'local:m2', seq: 2, providerMessageId: 'm2' }));

      expect(await store.deleteMessage('conv-1', 'local:m1')).toBe(true);
      expect(await store.deleteMessage('conv-1', 'local:m1')).toBe(false);
      expect((await store.listMessages('conv-1')).map((m) => m.id)).toEqual(['local:m2']);
      expect(await store.getMessage('conv-1', 'local:m1')).toBeUndefined();
      expect(await store.getConversation('conv-1')).toBeDefined();
    });

    it("forgets a provider's message id, and an unknown one changes nothing", async () => {
      const ref = { provider: 'local', providerMessageId: 'p1', conversationId: 'conv-1', messageId: 'm1' };
      await store.putProviderMessage(ref);
      await store.deleteProviderMessage('local', 'p1');
      await store.deleteProviderMessage('local', 'never-there');
      expect(await store.getProviderMessage('local', 'p1')).toBeUndefined();
    });

    it('finds the notifications a number received, a page at a time, and replaces one under its etag', async () => {
      await store.createNotification(aNotification('n1', [CUSTOMER]));
      await store.createNotification(aNotification('n2', [OTHER_CUSTOMER]));
      await store.createNotification(aNotification('n3', [OTHER_CUSTOMER, CUSTOMER]));
      await store.createNotification(aNotification('n4', [CUSTOMER]));

      const ids: string[] = [];
      let continuation: string | undefined;
      let pages = 0;
      do {
        const page = await store.findNotificationsTo(CUSTOMER, {
          limit: 2,
          ...(continuation ? { continuation } : {}),
        });
        ids.push(...page.notifications.map((n) => n.value.id));
        continuation = page.continuation;
        pages += 1;
      } while (continuation && pages < 10);
      expect(ids.sort()).toEqual(['n1', 'n3', 'n4']);

      const read = await store.getNotification('n3');
      if (!read) throw new Error('n3 is missing');
      const changed = { ...read.value, recipients: read.value.recipients.slice(0, 1) };
      const replaced = await store.replaceNotification(changed, read.etag);
      expect(replaced.etag).not.toBe(read.etag);
      await expect(store.replaceNotification(read.value, read.etag)).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.getNotification('n3'))?.value.recipients.map((r) => r.to)).toEqual([
        OTHER_CUSTOMER,
      ]);
      expect(
        (await store.findNotificationsTo(CUSTOMER, { limit: 10 })).notifications
          .map((n) => n.value.id)
          .sort(),
      ).toEqual(['n1', 'n4']);
    });

    it("keeps an erased customer's opt-outs by their key, created once and replaced under the etag", async () => {
      const key = 'a'.repeat(64);
      expect(await store.getErasedOptOut(key)).toBeUndefined();
      const created = await store.putErasedOptOut(
        { key, channelIds: ['support'], erasedAt: '2026-11-23T09:00:00.000Z' },
        null,
      );
      await expect(
        store.putErasedOptOut({ key, channelIds: [], erasedAt: '2026-11-23T09:00:00.000Z' }, null),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await store.putErasedOptOut(
        { key, channelIds: ['support', 'alerts'], erasedAt: '2026-11-24T09:00:00.000Z' },
        created.etag,
      );
      expect((await store.getErasedOptOut(key))?.value).toEqual({
        key,
        channelIds: ['support', 'alerts'],
        erasedAt: '2026-11-24T09:00:00.000Z',
      });
    });
  });
}

/** The embedded default's retention timer (Cosmos DB gives each message a time to live instead). */
export function transcriptExpiryContract(
  name: string,
  makeStore: () => Promise<Store & TranscriptExpiry> | (Store & TranscriptExpiry),
) {
  describe(`Transcript expiry: ${name}`, () => {
    it("removes a channel's messages created before the instant, its notifications' too, and nothing else", async () => {
      const store = await makeStore();
      await store.createConversationWithMessage(
        aConversation({ lastSeq: 2 }),
        aMessage({ createdAt: '2026-10-01T09:00:00.000Z' }),
      );
      await store.createMessage(aMessage({ id: 'local:m2', seq: 2, createdAt: '2026-11-20T09:00:00.000Z' }));
      await store.createConversationWithMessage(
        aConversation({ id: 'conv-2', channelId: 'other', lastSeq: 1 }),
        aMessage({ conversationId: 'conv-2', createdAt: '2026-10-01T09:00:00.000Z' }),
      );
      await store.createNotification({ ...aNotification('n1', [CUSTOMER]), channelId: 'support' });
      await store.createMessage(
        aMessage({
          id: 'n1-m0',
          conversationId: 'notification:n1',
          direction: 'outbound',
          createdAt: '2026-10-02T09:00:00.000Z',
        }),
      );

      const query = { channelId: 'support', createdBefore: '2026-11-01T00:00:00.000Z' };
      expect(await store.expireMessages({ ...query, limit: 1 })).toBe(1);
      expect(await store.expireMessages({ ...query, limit: 100 })).toBe(1);
      expect(await store.expireMessages({ ...query, limit: 100 })).toBe(0);

      expect((await store.listMessages('conv-1')).map((m) => m.id)).toEqual(['local:m2']);
      expect(await store.listMessages('notification:n1')).toEqual([]);
      expect((await store.listMessages('conv-2')).map((m) => m.id)).toEqual(['local:m1']);
      expect((await store.getConversation('conv-1'))?.value.id).toBe('conv-1');
    });
  });
}
