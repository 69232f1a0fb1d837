import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import { ERASED_CUSTOMER, optOutKey } from '../../shared/domain/erasure.js';
import { customerSubject } from '../../shared/domain/integration-event.js';
import { maskPhone } from '../../shared/domain/mask.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { ConflictError, ConsentError } from '../../shared/errors.js';
import type { Store } from '../../shared/ports.js';
import { putContact } from '../../shared/use-cases/admin-contacts.js';
import { saveTemplate } from '../../shared/use-cases/admin-templates.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import { closeByAgent, replyToCustomer, setPresence } from '../../shared/use-cases/conversations.js';
import { eraseCustomer, exportCustomer } from '../../shared/use-cases/customer-data.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { dayFigures } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { startConversation } from '../../shared/use-cases/start-conversation.js';
import { aConversation, aCustomerState, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import {
  type CoreHarness,
  coreHarness,
  deliverQueuedNotifications,
  storeKinds,
  TEST_ERASURE_KEY,
  testSeed,
} from '../support/core.js';
import { meanwhile } from '../support/meanwhile.js';
import { poolOf } from '../support/pool.js';

const erasedKey = optOutKey(TEST_ERASURE_KEY, CUSTOMER);

const notify = (h: CoreHarness, channelId: string, to: string[], text: string) =>
  sendNotification(h.deps, notificationRequestSchema.parse({ channelId, to, text }));

/**
 * A customer with a contact, a conversation an agent answered (under way), a notification shared
 * with another customer, and an opt-out of the alerts channel.
 */
async function aKnownCustomer(h: CoreHarness) {
  await putContact(h.deps, CUSTOMER, { name: 'Ada Lovelace', language: 'en' });
  await h.addAgent();
  await setPresence(h.deps, 'alice', 'available');
  const opened = await receiveInbound(h.deps, h.sms({ text: 'My card number is 4111 1111' }));
  if (opened.status !== 'stored') throw new Error('not stored');
  await assignQueue(h.deps, 'general');
  h.clock.advance(30_000);
  const reply = await replyToCustomer(h.deps, {
    conversationId: opened.conversationId,
    agentId: 'alice',
    text: 'Thanks Ada, checking',
  });
  const sent = await deliverOutbound(h.deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 });
  if (sent.status !== 'sent') throw new Error('not sent');
  const notification = await notify(h, 'alerts', [CUSTOMER, OTHER_CUSTOMER], 'Your parcel is on its way');
  await deliverQueuedNotifications(h);
  await setConsent(h.deps, 'alerts', CUSTOMER, true, 'STOP');
  return { conversationId: opened.conversationId, reply, sent, notification };
}

async function everythingAbout(store: Store, conversationId: string, notificationId: string) {
  return {
    contact: await store.getContact(CUSTOMER),
    states: await store.listCustomerStates(CUSTOMER),
    conversation: (await store.getConversation(conversationId))?.value,
    messages: await store.listMessages(conversationId),
    notification: (await store.getNotification(notificationId))?.value,
    notificationMessages: await store.listMessages(`notification:${notificationId}`),
  };
}

describe.each(storeKinds)('erasing a customer (%s)', (_name, makeStore) => {
  it('removes their contact, records and texts everywhere, and says what it removed', async () => {
    const h = coreHarness(makeStore());
    const { conversationId, sent, notification } = await aKnownCustomer(h);
    expect((await h.store.getProviderMessage('local', sent.providerMessageId))?.conversationId).toBe(
      conversationId,
    );

    const result = await eraseCustomer(h.deps, CUSTOMER);

    expect(result).toEqual({
      customer: '+1********23',
      // The alerts number sends one a second: its second notification text went out a second later.
      erasedAt: '2026-11-23T09:00:31.000Z',
      contact: true,
      customerRecords: ['alerts', 'support'],
      notificationSenders: [],
      conversations: 1,
      closed: 1,
      messages: 3,
      // The agent's reply and the notification's text.
      providerMessageIds: 2,
      notifications: 1,
      optOutsKept: ['alerts'],
      eventDeliveries: 0,
    });
    const left = await everythingAbout(h.store, conversationId, notification.id);
    expect(left.contact).toBeUndefined();
    expect(left.states).toEqual([]);
    expect(left.messages).toEqual([]);
    expect(left.conversation).toMatchObject({ customer: ERASED_CUSTOMER, state: 'closed', agentId: 'alice' });
    expect(left.conversation?.customerName).toBeUndefined();
    expect(JSON.stringify(left.conversation)).not.toContain(CUSTOMER);
    expect(left.conversation?.history.at(-1)).toMatchObject({
      to: 'closed',
      by: 'system',
      reason: 'customer erased',
    });
    expect(await h.store.getProviderMessage('local', sent.providerMessageId)).toBeUndefined();
    expect(left.notification?.recipients.map((r) => r.to)).toEqual([ERASED_CUSTOMER, OTHER_CUSTOMER]);
    expect(left.notificationMessages.map((m) => m.to)).toEqual([OTHER_CUSTOMER]);
    expect(JSON.stringify(left)).not.toContain('Ada');
    expect(JSON.stringify(left)).not.toContain('4111');
  });

  it("keeps the supervisor's figures of the day as they were", async () => {
    const h = coreHarness(makeStore());
    await aKnownCustomer(h);
    const before = await dayFigures(h.deps, '2026-11-23');

    await eraseCustomer(h.deps, CUSTOMER);

    const after = await dayFigures(h.deps, '2026-11-23');
    const general = (f: typeof before) => f.queues.find((q) => q.queueId === 'general');
    expect(general(after)).toMatchObject({ received: 1, answered: 1, averageWaitSeconds: 30 });
    expect(general(after)).toMatchObject({
      received: general(before)?.received,
      answered: general(before)?.answered,
      averageWaitSeconds: general(before)?.averageWaitSeconds,
      serviceLevel: general(before)?.serviceLevel,
    });
  });

  it('never lets a notification or an agent reach a number erased while opted out', async () => {
    const h = coreHarness(makeStore());
    await aKnownCustomer(h);
    await setConsent(h.deps, 'support', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);
    expect(await h.store.listCustomerStates(CUSTOMER)).toEqual([]);
    const kept = await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER));
    expect(kept?.value.channelIds).toEqual(['alerts', 'support']);
    expect(JSON.stringify(kept?.value)).not.toContain(CUSTOMER.slice(1));

    const refused = await notify(h, 'alerts', [CUSTOMER], 'A new offer');
    expect(refused.recipients).toEqual([
      { to: CUSTOMER, status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    await expect(
      startConversation(h.deps, {
        agentId: 'alice',
        channelId: 'support',
        to: CUSTOMER,
        text: 'Hello again',
      }),
    ).rejects.toBeInstanceOf(ConsentError);
    // Another number is not affected.
    const other = await notify(h, 'alerts', ['+14255550125'], 'A new offer');
    expect(other.recipients[0]?.status).toBe('queued');
  });

  it('carries a kept opt-out into the record of an erased customer who writes again, until they send START', async () => {
    const h = coreHarness(makeStore());
    await setConsent(h.deps, 'support', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);

    await receiveInbound(h.deps, h.sms({ text: 'hello?' }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(true);

    await receiveInbound(h.deps, h.sms({ text: 'START' }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(false);
    expect((await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER)))?.value.channelIds).toEqual(
      [],
    );
    const queued = await notify(h, 'support', [CUSTOMER], 'Welcome back');
    expect(queued.recipients[0]?.status).toBe('queued');
  });

  it('finds nothing left the second time, and keeps the opt-outs', async () => {
    const h = coreHarness(makeStore());
    await aKnownCustomer(h);
    await eraseCustomer(h.deps, CUSTOMER);
    expect(await eraseCustomer(h.deps, CUSTOMER)).toMatchObject({
      contact: false,
      customerRecords: [],
      notificationSenders: [],
      conversations: 0,
      messages: 0,
      notifications: 0,
      optOutsKept: ['alerts'],
    });
  });

  it('sends nothing and stores nothing of a notification still queued when its customer is erased', async () => {
    const h = coreHarness(makeStore());
    const queued = await notify(h, 'alerts', [CUSTOMER, OTHER_CUSTOMER], 'Your parcel is on its way');
    h.clock.advance(1_000);
    await eraseCustomer(h.deps, CUSTOMER);

    await deliverQueuedNotifications(h);

    expect(h.sender.sends.map((send) => send.to)).toEqual([OTHER_CUSTOMER]);
    const stored = await h.store.listMessages(`notification:${queued.id}`);
    expect(stored.map((message) => message.to)).toEqual([OTHER_CUSTOMER]);
    expect(JSON.stringify(stored)).not.toContain(CUSTOMER);
  });

  it('forgets the pool number a customer heard from, and a notification after the erasure lets no older one through', async () => {
    const h = coreHarness(makeStore());
    h.deps.directory = poolOf(['+14255550101', '+14255550102']);
    const before = await notify(h, 'alerts', [CUSTOMER], 'Your parcel ships tomorrow');
    h.clock.advance(1_000);
    const erased = await eraseCustomer(h.deps, CUSTOMER);
    expect(erased.notificationSenders).toEqual(['alerts']);
    expect((await h.store.getNotificationSenders('alerts', [CUSTOMER])).size).toBe(0);
    h.clock.advance(1_000);
    const after = await notify(h, 'alerts', [CUSTOMER], 'A new offer');

    await deliverQueuedNotifications(h);

    expect(h.sender.sends.map((send) => send.text)).toEqual(['A new offer']);
    expect(await h.store.listMessages(`notification:${before.id}`)).toEqual([]);
    expect((await h.store.listMessages(`notification:${after.id}`)).map((m) => m.status)).toEqual(['sent']);
  });

  it('exports the pool number a customer hears notifications from, per channel', async () => {
    const h = coreHarness(makeStore());
    h.deps.directory = poolOf(['+14255550101', '+14255550102']);
    const sent = await notify(h, 'alerts', [CUSTOMER], 'Your parcel ships tomorrow');
    const from = (h.queue.on('sms-outbound')[0]?.body as Message | undefined)?.from;
    const exported = await exportCustomer(h.deps, CUSTOMER);
    expect(exported.notificationSenders).toEqual([{ channelId: 'alerts', sender: from }]);
    expect(exported.notifications.map((n) => n.id)).toEqual([sent.id]);
  });

  it('sends nothing and stores nothing of a reply still queued when its customer is erased', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent();
    await setPresence(h.deps, 'alice', 'available');
    const opened = await receiveInbound(h.deps, h.sms({ text: 'Where is my parcel?' }));
    if (opened.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    const reply = await replyToCustomer(h.deps, {
      conversationId: opened.conversationId,
      agentId: 'alice',
      text: 'Ada, it left the depot this morning',
    });
    h.clock.advance(1_000);
    await eraseCustomer(h.deps, CUSTOMER);

    const outcome = await deliverOutbound(h.deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 });

    expect(outcome).toEqual({ status: 'skipped', reason: 'its customer was erased after it was queued' });
    expect(h.sender.sends).toEqual([]);
    expect(await h.store.getMessage(reply.conversationId, reply.id)).toBeUndefined();
    const logged = h.logs.map((line) => JSON.parse(line)).filter((line) => line.event === 'outbound.erased');
    expect(logged).toMatchObject([{ level: 'info', messageId: reply.id, to: maskPhone(CUSTOMER) }]);
    expect(h.logs.join('\n')).not.toContain(CUSTOMER);
  });

  it('sends nothing of an opt-out confirmation still queued when its customer is erased', async () => {
    const h = coreHarness(makeStore());
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    const [confirmation] = h.queue.on('sms-outbound').map((queued) => queued.body as Message);
    if (confirmation?.purpose !== 'opt-out-confirmation') throw new Error('no confirmation queued');
    await eraseCustomer(h.deps, CUSTOMER);

    const outcome = await deliverOutbound(h.deps, confirmation, { deliveryCount: 1, maxDeliveryCount: 10 });

    expect(outcome.status).toBe('skipped');
    expect(h.sender.sends).toEqual([]);
    expect(await h.store.getMessage(confirmation.conversationId, confirmation.id)).toBeUndefined();
  });

  it('sends nothing of a notification made in the very instant of the erasure', async () => {
    const h = coreHarness(makeStore());
    await notify(h, 'alerts', [CUSTOMER], 'Your parcel is on its way');
    await eraseCustomer(h.deps, CUSTOMER);

    await deliverQueuedNotifications(h);

    expect(h.sender.sends).toEqual([]);
  });

  it('refuses a message made after the erasure to a number the erasure kept opted out', async () => {
    const h = coreHarness(makeStore());
    await setConsent(h.deps, 'alerts', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);
    h.clock.advance(60_000);
    // Queued meanwhile by a path that did not look (a race with the erasure): the worker looks again.
    await notify(h, 'alerts', [OTHER_CUSTOMER], 'Your parcel is on its way');
    const [queued] = h.queue.on('sms-outbound').map((message) => message.body as Message);
    if (!queued) throw new Error('nothing queued');

    const outcome = await deliverOutbound(
      h.deps,
      { ...queued, to: CUSTOMER },
      { deliveryCount: 1, maxDeliveryCount: 10 },
    );

    expect(outcome).toEqual({ status: 'failed', reason: 'the customer opted out of this channel' });
    expect(h.sender.sends).toEqual([]);
  });

  it('sends a notification queued after the erasure, to a number that writes anew', async () => {
    const h = coreHarness(makeStore());
    await aKnownCustomer(h);
    await eraseCustomer(h.deps, CUSTOMER);
    h.clock.advance(60_000);
    const sends = h.sender.sends.length;

    await notify(h, 'support', [CUSTOMER], 'Welcome back');
    await deliverQueuedNotifications(h);

    expect(h.sender.sends.slice(sends).map((send) => send.text)).toEqual(['Welcome back']);
  });

  it('is refused, changing nothing, without an erasure key', async () => {
    const h = coreHarness(makeStore());
    await aKnownCustomer(h);
    h.deps.erasureKey = undefined;
    await expect(eraseCustomer(h.deps, CUSTOMER)).rejects.toBeInstanceOf(ConflictError);
    expect(await h.store.getContact(CUSTOMER)).toBeDefined();
    expect(await h.store.listCustomerStates(CUSTOMER)).toHaveLength(2);
  });
});

describe.each(storeKinds)("exporting a customer's data (%s)", (_name, makeStore) => {
  it('gives their contact, consent, conversations with every message and notifications as one document', async () => {
    const h = coreHarness(makeStore());
    const { conversationId, notification } = await aKnownCustomer(h);

    const exported = await exportCustomer(h.deps, '+1 425 555 0123');

    expect(exported.customer).toBe(CUSTOMER);
    expect(exported.contact).toMatchObject({ number: CUSTOMER, name: 'Ada Lovelace' });
    expect(exported.channels).toEqual([
      expect.objectContaining({ channelId: 'alerts', optedOut: true, consentChangedVia: 'STOP' }),
      expect.objectContaining({ channelId: 'support', optedOut: false }),
    ]);
    expect(exported.conversations.map((c) => c.id)).toEqual([conversationId]);
    expect(exported.conversations[0]?.messages.map((m) => m.text)).toEqual([
      'My card number is 4111 1111',
      'Thanks Ada, checking',
    ]);
    expect(exported.notifications).toEqual([
      expect.objectContaining({
        id: notification.id,
        channelId: 'alerts',
        outcome: expect.objectContaining({ to: CUSTOMER, status: 'queued' }),
        messages: [expect.objectContaining({ text: 'Your parcel is on its way', to: CUSTOMER })],
      }),
    ]);
    expect(JSON.stringify(exported)).not.toContain(OTHER_CUSTOMER);
  });
});

describe('erasing a customer: what it tells and forgets', () => {
  it('names the secret this deployment lacks when its erasure key is too short', async () => {
    const h = coreHarness();
    h.deps.erasureKey = 'too-short';
    await expect(eraseCustomer(h.deps, CUSTOMER)).rejects.toThrow(
      'this deployment cannot erase customers: erasing needs SMS_ERASURE_KEY (a secret of at least 32 characters)',
    );
    h.deps.erasureKey = 'k'.repeat(32);
    await expect(eraseCustomer(h.deps, CUSTOMER)).resolves.toMatchObject({ conversations: 0 });
  });

  it('has the webhook log forget every event about them, and says how many it forgot', async () => {
    const h = coreHarness();
    const { conversationId, notification } = await aKnownCustomer(h);
    const sent = (await h.store.listMessages(`notification:${notification.id}`)).find(
      (m) => m.to === CUSTOMER,
    );
    const forgotten: string[][] = [];
    const result = await eraseCustomer(h.deps, CUSTOMER, {
      forgetDeliveries: async (subjects) => {
        forgotten.push(subjects);
        return 7;
      },
    });
    expect(result.eventDeliveries).toBe(7);
    expect(forgotten).toEqual([
      [
        customerSubject('alerts', CUSTOMER),
        customerSubject('support', CUSTOMER),
        `conversations/${conversationId}`,
        `conversations/notification:${notification.id}/messages/${sent?.id}`,
      ],
    ]);
    const erased = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.event === 'customer.erased');
    expect(erased).toMatchObject([
      {
        level: 'info',
        customer: '+1********23',
        conversations: 1,
        messages: 3,
        notifications: 1,
        optOutsKept: 1,
      },
    ]);
  });

  it('finds every conversation of a customer with more than a page of them', async () => {
    const h = coreHarness();
    await h.store.putCustomer(aCustomerState(), null);
    for (let n = 0; n < 101; n += 1) {
      const at = new Date(Date.UTC(2026, 9, 1, 9, n)).toISOString();
      await h.store.createConversation(
        aConversation({ id: `conv-${n}`, state: 'closed', createdAt: at, closedAt: at }),
      );
    }
    const exported = await exportCustomer(h.deps, CUSTOMER);
    expect(exported.conversations).toHaveLength(101);
    expect(new Set(exported.conversations.map((c) => c.id)).size).toBe(101);
    expect((await eraseCustomer(h.deps, CUSTOMER)).conversations).toBe(101);
    expect((await h.store.getConversation('conv-0'))?.value.customer).toBe(ERASED_CUSTOMER);
    expect((await h.store.getConversation('conv-100'))?.value.customer).toBe(ERASED_CUSTOMER);
  });

  it('keeps the opt-outs of an earlier erasure, with the time of the last erasure', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'alerts', CUSTOMER, true, 'STOP');
    await setConsent(h.deps, 'support', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);
    // They opt back into support, then are erased again: alerts stays kept.
    await setConsent(h.deps, 'support', CUSTOMER, false, 'START');
    const kept = await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER));
    expect(kept?.value.channelIds).toEqual(['alerts']);
    h.clock.advance(60_000);
    const again = await eraseCustomer(h.deps, CUSTOMER);
    expect(again.optOutsKept).toEqual(['alerts']);
    expect((await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER)))?.value).toEqual({
      key: optOutKey(TEST_ERASURE_KEY, CUSTOMER),
      channelIds: ['alerts'],
      erasedAt: again.erasedAt,
    });
  });
});

describe('erasing a customer: what it keeps and closes', () => {
  it('keeps only the time of the erasure by the hash of a number that never opted out', async () => {
    const h = coreHarness();
    await receiveInbound(h.deps, h.sms({ text: 'hello' }));
    const result = await eraseCustomer(h.deps, CUSTOMER);
    expect(result.optOutsKept).toEqual([]);
    expect((await h.store.getErasedOptOut(erasedKey))?.value).toEqual({
      key: erasedKey,
      channelIds: [],
      erasedAt: result.erasedAt,
    });
  });

  it('adds the channels opted out of since an earlier erasure to the opt-outs it kept', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'support', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);
    h.clock.advance(60_000);
    await setConsent(h.deps, 'alerts', CUSTOMER, true, 'STOP');

    expect((await eraseCustomer(h.deps, CUSTOMER)).optOutsKept).toEqual(['alerts', 'support']);
    expect((await h.store.getErasedOptOut(erasedKey))?.value).toEqual({
      key: erasedKey,
      channelIds: ['alerts', 'support'],
      erasedAt: '2026-11-23T09:01:00.000Z',
    });
  });

  it('keeps no opt-out of a channel they opted back into, even one a failed START left kept (bug)', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'support', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);
    // Their START is recorded, then the store fails as the kept opt-out is being forgotten.
    const put = h.store.putErasedOptOut.bind(h.store);
    h.store.putErasedOptOut = async () => {
      h.store.putErasedOptOut = put;
      throw new Error('the store is unavailable');
    };
    await expect(setConsent(h.deps, 'support', CUSTOMER, false, 'START')).rejects.toThrow(
      'the store is unavailable',
    );
    expect((await h.store.getErasedOptOut(erasedKey))?.value.channelIds).toEqual(['support']);

    expect((await eraseCustomer(h.deps, CUSTOMER)).optOutsKept).toEqual([]);
    expect((await h.store.getErasedOptOut(erasedKey))?.value.channelIds).toEqual([]);
    // Writing again, they are not taken for opted out, and an agent's message reaches them.
    await receiveInbound(h.deps, h.sms({ text: 'hello again' }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(false);
  });

  it('closes a conversation under way without a goodbye: nothing more goes to the number', async () => {
    const h = coreHarness();
    const ended = automatedMessagesSchema.parse({ ended: { enabled: true, text: 'Goodbye' } });
    h.deps.directory = new Directory(
      testSeed.channels.map((c) => (c.id === 'support' ? { ...c, automatedMessages: ended } : c)),
      testSeed.queues,
    );
    const opened = await receiveInbound(h.deps, h.sms({ text: 'Please forget me' }));
    if (opened.status !== 'stored') throw new Error('not stored');
    const queued = h.queue.on('sms-outbound').length;

    expect(await eraseCustomer(h.deps, CUSTOMER)).toMatchObject({ conversations: 1, closed: 1, messages: 1 });
    expect(h.queue.on('sms-outbound')).toHaveLength(queued);
    expect(await h.store.listMessages(opened.conversationId)).toEqual([]);
  });

  it('counts as closed only the conversations it closed: not one its agent closed meanwhile', async () => {
    const h = coreHarness();
    const { conversationId } = await aKnownCustomer(h);
    meanwhile(h.store, 'getConversation', conversationId, 1, () =>
      closeByAgent(h.deps, { conversationId, agentId: 'alice' }),
    );

    expect(await eraseCustomer(h.deps, CUSTOMER)).toMatchObject({ conversations: 1, closed: 0 });
    const conversation = (await h.store.getConversation(conversationId))?.value;
    expect(conversation).toMatchObject({ customer: ERASED_CUSTOMER, state: 'closed' });
    expect(conversation?.history.at(-1)).toMatchObject({ by: 'agent:alice', reason: 'closed by agent' });
  });

  it('leaves a conversation another erasure made anonymous meanwhile as that erasure left it', async () => {
    const h = coreHarness();
    await h.store.putCustomer(aCustomerState(), null);
    const at = '2026-11-23T08:00:00.000Z';
    await h.store.createConversation(aConversation({ state: 'closed', createdAt: at, closedAt: at }));
    meanwhile(h.store, 'getConversation', 'conv-1', 1, async () => {
      h.clock.advance(60_000);
      await eraseCustomer(h.deps, CUSTOMER);
    });

    expect((await eraseCustomer(h.deps, CUSTOMER)).erasedAt).toBe('2026-11-23T09:00:00.000Z');
    expect((await h.store.getConversation('conv-1'))?.value).toMatchObject({
      customer: ERASED_CUSTOMER,
      erasedAt: '2026-11-23T09:01:00.000Z',
    });
  });

  it('finds every notification sent to a customer with more than a page of them, a page at a time', async () => {
    const h = coreHarness();
    for (let n = 0; n < 101; n += 1) {
      const id = `n-${String(n).padStart(3, '0')}`;
      await h.store.createNotification({
        id,
        channelId: 'alerts',
        requestHash: 'a'.repeat(64),
        createdAt: '2026-11-23T08:00:00.000Z',
        sendAt: null,
        recipients: [{ to: CUSTOMER, status: 'queued', messageId: `${id}-1` }],
      });
    }
    const pages: (string | undefined)[] = [];
    const find = h.store.findNotificationsTo.bind(h.store);
    h.store.findNotificationsTo = async (number, page) => {
      pages.push(page.continuation);
      if (pages.length > 2) throw new Error('a third page of two was asked for');
      return find(number, page);
    };

    const exported = await exportCustomer(h.deps, CUSTOMER);
    expect(new Set(exported.notifications.map((n) => n.id)).size).toBe(101);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toBeDefined();
    pages.length = 0;
    expect((await eraseCustomer(h.deps, CUSTOMER)).notifications).toBe(101);
    expect(pages).toHaveLength(2);
  });
});

describe("exporting a customer's data: the parts", () => {
  it('gives each channel record with what changed the consent, or null when nothing did', async () => {
    const h = coreHarness();
    await h.store.putCustomer(aCustomerState({ channelId: 'support', lastAgentId: 'alice' }), null);
    await setConsent(h.deps, 'alerts', CUSTOMER, true, 'STOP');
    const exported = await exportCustomer(h.deps, CUSTOMER);
    expect(exported).toMatchObject({
      customer: CUSTOMER,
      exportedAt: '2026-11-23T09:00:00.000Z',
      contact: null,
    });
    expect(exported.channels).toEqual([
      {
        channelId: 'alerts',
        optedOut: true,
        consentChangedAt: '2026-11-23T09:00:00.000Z',
        consentChangedVia: 'STOP',
        lastAgentId: null,
      },
      {
        channelId: 'support',
        optedOut: false,
        consentChangedAt: null,
        consentChangedVia: null,
        lastAgentId: 'alice',
      },
    ]);
    expect(exported.conversations).toEqual([]);
    expect(exported.notifications).toEqual([]);
  });

  it("gives a notification's send time and outcome, and only the texts sent to them", async () => {
    const h = coreHarness();
    const notification = await notify(h, 'alerts', [CUSTOMER, OTHER_CUSTOMER], 'Your parcel is on its way');
    await deliverQueuedNotifications(h);
    const [exported] = (await exportCustomer(h.deps, CUSTOMER)).notifications;
    expect(exported).toEqual({
      id: notification.id,
      channelId: 'alerts',
      createdAt: '2026-11-23T09:00:00.000Z',
      sendAt: null,
      outcome: expect.objectContaining({ to: CUSTOMER }),
      messages: [expect.objectContaining({ to: CUSTOMER, text: 'Your parcel is on its way' })],
    });
    expect(exported).not.toHaveProperty('template');
  });

  it('gives the template a notification came from, and their own outcome when they were not its first recipient', async () => {
    const h = coreHarness();
    await saveTemplate(
      h.deps,
      'shipped',
      { name: 'Order shipped', texts: { en: 'Order {order} shipped' } },
      'admin',
    );
    const notification = await sendNotification(
      h.deps,
      notificationRequestSchema.parse({
        channelId: 'alerts',
        to: [OTHER_CUSTOMER, CUSTOMER],
        templateId: 'shipped',
        values: { order: 'A-1001' },
      }),
    );
    await deliverQueuedNotifications(h);
    const [exported] = (await exportCustomer(h.deps, CUSTOMER)).notifications;
    expect(exported).toMatchObject({
      id: notification.id,
      template: { id: 'shipped', version: 1 },
      outcome: { to: CUSTOMER, status: 'queued', messageId: `${notification.id}-2` },
      messages: [{ to: CUSTOMER, text: 'Order A-1001 shipped' }],
    });
  });
});

describe('a number given to erase or export', () => {
  it('is refused when not in international form, the error naming the number', async () => {
    const h = coreHarness();
    for (const act of [
      () => eraseCustomer(h.deps, '425 555 0123'),
      () => exportCustomer(h.deps, '425 555 0123'),
    ]) {
      await expect(act()).rejects.toMatchObject({
        message: 'number must be in international form, starting with + and the country code',
        issues: [{ path: 'number', message: 'missing + and country code' }],
      });
    }
  });
});
