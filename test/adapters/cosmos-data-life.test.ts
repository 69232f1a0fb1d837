import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosStore, stateContainerDefinition } from '../../shared/adapters/cosmos-store.js';
import { Directory } from '../../shared/domain/directory.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { ConsentError } from '../../shared/errors.js';
import { putContact } from '../../shared/use-cases/admin-contacts.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import { replyToCustomer, setPresence } from '../../shared/use-cases/conversations.js';
import { eraseCustomer, exportCustomer } from '../../shared/use-cases/customer-data.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { dayFigures } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { retentionDaysOf } from '../../shared/use-cases/retention.js';
import { startConversation } from '../../shared/use-cases/start-conversation.js';
import { countingContainer } from '../../stand-ins/counting-store.js';
import { CUSTOMER } from '../support/builders.js';
import { coreHarness, deliverQueuedNotifications, testSeed } from '../support/core.js';
import { startCosmosServer } from '../support/cosmos-server.js';
import { withAlertsPool } from '../support/pool.js';

/*
 * The data's life on the Cosmos DB store, through the real SDK against the stand-in: messages carry
 * their channel's retention as their time to live (the stand-in does not expire items, so this
 * checks what the store writes, and Cosmos DB's own rule, docs/cosmos.md, does the rest), and an
 * erasure reads the customer's partitions, fanning out once (paged) for the notifications only.
 */
let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(async () => {
  await cosmos.close();
});

const DAY_SECONDS = 86_400;

describe("a channel's retention on Cosmos DB", () => {
  it('gives the container time to live with no default: only an item with its own ttl expires', () => {
    expect(stateContainerDefinition().defaultTtl).toBe(-1);
  });

  it('writes each message of a channel with a retention with its ttl, kept through every replace, and reads it back without', async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    const h = coreHarness(store);
    const support = testSeed.channels.map((c) => (c.id === 'support' ? { ...c, retentionDays: 30 } : c));
    h.deps.directory = new Directory(support, testSeed.queues);
    store.retainMessagesFor(retentionDaysOf(h.deps.directory));

    await h.addAgent();
    await setPresence(h.deps, 'alice', 'available');
    const opened = await receiveInbound(h.deps, h.sms());
    if (opened.status !== 'stored') throw new Error('not stored');
    await receiveInbound(h.deps, h.sms({ text: 'and another thing' }));
    await assignQueue(h.deps, 'general');
    const reply = await replyToCustomer(h.deps, {
      conversationId: opened.conversationId,
      agentId: 'alice',
      text: 'On it',
    });
    const sent = await deliverOutbound(h.deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 });
    expect(sent.status).toBe('sent');
    const notification = await sendNotification(
      h.deps,
      notificationRequestSchema.parse({ channelId: 'alerts', to: [CUSTOMER], text: 'Shipped' }),
    );
    await deliverQueuedNotifications(h);

    const raw = async (id: string, pk: string) => (await container.item(id, pk).read()).resource;
    const messages = await store.listMessages(opened.conversationId);
    expect(messages).toHaveLength(3);
    for (const message of messages) {
      expect((await raw(message.id, opened.conversationId))?.ttl).toBe(30 * DAY_SECONDS);
      expect(message).not.toHaveProperty('ttl');
    }
    // The reply was replaced as it was sent: the ttl went with it.
    expect((await store.getMessage(opened.conversationId, reply.id))?.value.status).toBe('sent');
    // The conversation keeps the figures and never expires; a channel without retention keeps all.
    expect((await raw(opened.conversationId, opened.conversationId))?.ttl).toBeUndefined();
    const [alert] = await store.listMessages(`notification:${notification.id}`);
    if (!alert) throw new Error('no notification message');
    expect((await raw(alert.id, `notification:${notification.id}`))?.ttl).toBeUndefined();
  });
});

describe('erasing a customer on Cosmos DB', () => {
  it('erases, keeps the figures and the opt-out, and reads every partition only for the notifications, paged', async () => {
    const counted = countingContainer(await cosmos.container());
    const h = coreHarness(new CosmosStore(counted.container));
    await putContact(h.deps, CUSTOMER, { name: 'Ada Lovelace' });
    await h.addAgent();
    await setPresence(h.deps, 'alice', 'available');
    const opened = await receiveInbound(h.deps, h.sms({ text: 'My card is 4111' }));
    if (opened.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    h.clock.advance(20_000);
    const reply = await replyToCustomer(h.deps, {
      conversationId: opened.conversationId,
      agentId: 'alice',
      text: 'Hello Ada',
    });
    await deliverOutbound(h.deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 });
    // Over a pool, so the number they heard from is remembered for them.
    h.deps.directory = withAlertsPool(h.deps.directory, ['+14255550101', '+14255550102']);
    await sendNotification(
      h.deps,
      notificationRequestSchema.parse({ channelId: 'alerts', to: [CUSTOMER], text: 'Shipped' }),
    );
    await deliverQueuedNotifications(h);
    await setConsent(h.deps, 'alerts', CUSTOMER, true, 'STOP');
    const before = await dayFigures(h.deps, '2026-11-23');

    counted.reset();
    const result = await eraseCustomer(h.deps, CUSTOMER);
    const fanOuts = counted.operations.filter((o) => o.partitionKey === undefined);

    expect(result).toMatchObject({
      contact: true,
      customerRecords: ['alerts', 'support'],
      notificationSenders: ['alerts'],
      conversations: 1,
      closed: 1,
      messages: 3,
      notifications: 1,
      optOutsKept: ['alerts'],
    });
    expect(fanOuts.map((o) => o.method)).toEqual(['query.fetchNext']);
    const after = await dayFigures(h.deps, '2026-11-23');
    const general = (f: typeof before) => f.queues.find((q) => q.queueId === 'general');
    expect(general(after)).toMatchObject({ received: 1, answered: 1, averageWaitSeconds: 20 });
    expect(await exportCustomer(h.deps, CUSTOMER)).toMatchObject({
      contact: null,
      channels: [],
      conversations: [],
      notifications: [],
    });

    const refused = await sendNotification(
      h.deps,
      notificationRequestSchema.parse({ channelId: 'alerts', to: [CUSTOMER], text: 'Offer' }),
    );
    expect(refused.recipients[0]).toMatchObject({ status: 'refused' });
    await setConsent(h.deps, 'support', CUSTOMER, true, 'STOP');
    await eraseCustomer(h.deps, CUSTOMER);
    await expect(
      startConversation(h.deps, { agentId: 'alice', channelId: 'support', to: CUSTOMER, text: 'Hi' }),
    ).rejects.toBeInstanceOf(ConsentError);
  });
});
