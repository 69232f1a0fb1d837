import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { SendError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { replyToCustomer } from '../../shared/use-cases/conversations.js';
import { deliverOutbound, failDeadLettered } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { coreHarness, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

const once = { deliveryCount: 1, maxDeliveryCount: 10 };

/**
 * What sending a message costs the store. A number's sends are serial (its outbound session), so
 * each operation here is paid once per message at the number's pace.
 */
describe('the cost of sending a message in store operations', () => {
  /** The store operations a send made, in order: what each spec below pins down. */
  const kinds = (counted: ReturnType<typeof countingStore>) =>
    counted.operations.map((o) => [o.kind, o.method]);

  it('a notification recipient (not stored yet) through a provider without idempotency keys: written once with its attempt marked, then sent', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    h.sender.idempotent = false;
    h.deps.erasureKey = undefined;
    await sendNotification(
      h.deps,
      notificationRequestSchema.parse({
        channelId: 'alerts',
        to: ['+12065552000'],
        text: 'Your parcel arrives today',
      }),
    );
    const [queued] = h.queue.on('sms-outbound');
    counted.reset();

    const outcome = await deliverOutbound(h.deps, queued?.body as Message, once);

    expect(outcome.status).toBe('sent');
    expect(kinds(counted)).toEqual([
      ['point-read', 'getMessage'],
      ['point-read', 'getSenderPace'],
      ['write', 'putSenderPace'],
      ['point-read', 'getCustomer'],
      ['write', 'createMessage'],
      ['write', 'replaceMessage'],
      ['write', 'putProviderMessage'],
    ]);
    // Crash safety holds: the one write already said a send had started.
    const message = queued?.body as Message;
    const stored = await h.store.getMessage(message.conversationId, message.id);
    expect(stored?.value).toMatchObject({ status: 'sent', sendStartedAt: '2026-11-23T09:00:00.000Z' });
  });

  /** An agent's reply to a first message, queued and stored; the store counts from here on. */
  async function queuedReply() {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    h.deps.erasureKey = undefined;
    await h.addAgent({ id: 'alice' });
    const opened = await receiveInbound(h.deps, h.sms({ text: 'Where is my parcel?' }));
    if (opened.status !== 'stored') throw new Error('the first message was not stored');
    const { assigned } = await assignQueue(h.deps, 'general');
    const reply = await replyToCustomer(h.deps, {
      conversationId: opened.conversationId,
      agentId: assigned[0]?.agentId ?? '',
      text: 'It ships today.',
    });
    return { h, counted, reply };
  }

  it('an agent reply (stored when accepted): its record read once, not again before each write', async () => {
    const { h, counted, reply } = await queuedReply();
    counted.reset();

    const outcome = await deliverOutbound(h.deps, reply, once);

    expect(outcome.status).toBe('sent');
    expect(kinds(counted)).toEqual([
      ['point-read', 'getMessage'],
      ['point-read', 'getSenderPace'],
      ['write', 'putSenderPace'],
      ['point-read', 'getCustomer'],
      ['write', 'replaceMessage'],
      ['write', 'replaceMessage'],
      ['write', 'putProviderMessage'],
    ]);
  });

  it("the confirmation of an opt-out (stored when queued): the customer's consent is not read", async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    const confirmation = h.queue.on('sms-outbound').at(-1)?.body as Message;
    counted.reset();

    const outcome = await deliverOutbound(h.deps, confirmation, once);

    expect(outcome.status).toBe('sent');
    expect(kinds(counted)).toEqual([
      ['point-read', 'getMessage'],
      ['point-read', 'getSenderPace'],
      ['write', 'putSenderPace'],
      ['write', 'replaceMessage'],
      ['write', 'replaceMessage'],
      ['write', 'putProviderMessage'],
    ]);
  });

  it('a retry through a provider with idempotency keys: the first attempt is kept, not written again', async () => {
    const { h, counted, reply } = await queuedReply();
    h.sender.failures = [new SendError('transient', 'provider returned 503')];
    await expect(deliverOutbound(h.deps, reply, once)).rejects.toBeInstanceOf(SendError);
    counted.reset();

    expect((await deliverOutbound(h.deps, reply, once)).status).toBe('sent');
    expect(kinds(counted)).toEqual([
      ['point-read', 'getMessage'],
      ['point-read', 'getSenderPace'],
      ['write', 'putSenderPace'],
      ['point-read', 'getCustomer'],
      ['write', 'replaceMessage'],
      ['write', 'putProviderMessage'],
    ]);
  });

  it('a queued reply whose number no longer belongs to a channel: its record read once and written failed', async () => {
    const { h, counted, reply } = await queuedReply();
    h.deps.directory = new Directory([], testSeed.queues);
    counted.reset();

    expect((await deliverOutbound(h.deps, reply, once)).status).toBe('failed');
    expect(kinds(counted)).toEqual([
      ['point-read', 'getMessage'],
      ['write', 'replaceMessage'],
    ]);
  });

  it('a message that failed before, delivered again: one read, nothing written', async () => {
    const { h, counted, reply } = await queuedReply();
    await failDeadLettered(h.deps, reply, 'MaxDeliveryCountExceeded');
    counted.reset();

    expect(await deliverOutbound(h.deps, reply, once)).toEqual({
      status: 'skipped',
      reason: 'already failed',
    });
    expect(kinds(counted)).toEqual([['point-read', 'getMessage']]);
  });
});
