import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { notificationWindowSchema } from '../../shared/domain/quiet-hours.js';
import {
  AlreadyExistsError,
  ConcurrencyError,
  ConsentError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  SendError,
  SendInDoubtError,
  ValidationError,
} from '../../shared/errors.js';
import { acceptDeliveryReport } from '../../shared/use-cases/accept-inbound.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, endConversation, replyToCustomer } from '../../shared/use-cases/conversations.js';
import { deliverOutbound, failDeadLettered } from '../../shared/use-cases/deliver.js';
import { applyDeliveryReport, applyProviderReport } from '../../shared/use-cases/delivery-report.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';
import { type CoreHarness, coreHarness, testSeed } from '../support/core.js';

async function activeConversation() {
  const h = coreHarness();
  await h.addAgent({ id: 'alice' });
  await h.addAgent({ id: 'bob', queueIds: ['general'] });
  const outcome = await receiveInbound(h.deps, h.sms({ text: 'Where is my order?' }));
  if (outcome.status !== 'stored') throw new Error('not stored');
  const { assigned } = await assignQueue(h.deps, 'general');
  const agentId = assigned[0]?.agentId ?? '';
  return { h, conversationId: outcome.conversationId, agentId };
}

const attempt = (deliveryCount: number) => ({ deliveryCount, maxDeliveryCount: 3 });

function queuedMessage(h: ReturnType<typeof coreHarness>): Message {
  const body = h.queue.on('sms-outbound').at(-1)?.body;
  if (!body) throw new Error('nothing on the outbound queue');
  return body as Message;
}

/**
 * The delivery's first read of message `id` finds nothing, and `written` is stored just after it
 * (by the reply's own request, or by another delivery), as when two threads race.
 */
function raceRecord(h: ReturnType<typeof coreHarness>, id: string, written: Message) {
  const get = h.store.getMessage.bind(h.store);
  const create = h.store.createMessage.bind(h.store);
  let first = true;
  h.store.getMessage = async (conversationId, messageId) => {
    if (messageId === id && first) {
      first = false;
      await create(written);
      return undefined;
    }
    return get(conversationId, messageId);
  };
}

describe('an agent replying', () => {
  it('puts the reply on the outbound queue, keyed by the sender number, after the customer message', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    const reply = await replyToCustomer(h.deps, { conversationId, agentId, text: 'It ships today' });
    expect(reply).toMatchObject({
      seq: 2,
      direction: 'outbound',
      status: 'queued',
      to: CUSTOMER,
      from: '+14255550100',
    });
    expect(h.queue.on('sms-outbound')).toEqual([{ id: reply.id, sessionId: '+14255550100', body: reply }]);
    expect((await h.store.listMessages(conversationId)).map((m) => m.text)).toEqual([
      'Where is my order?',
      'It ships today',
    ]);
  });

  it('is refused for an agent who does not hold the conversation', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    const other = agentId === 'alice' ? 'bob' : 'alice';
    await expect(
      replyToCustomer(h.deps, { conversationId, agentId: other, text: 'hi' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('is refused in wrap-up, over 1600 characters, and to a customer who opted out', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await expect(
      replyToCustomer(h.deps, { conversationId, agentId, text: 'a'.repeat(1601) }),
    ).rejects.toBeInstanceOf(ValidationError);
    const customer = await h.store.getCustomer('support', CUSTOMER);
    if (!customer) throw new Error('no customer');
    await h.store.putCustomer({ ...customer.value, optedOut: true }, customer.etag);
    await expect(replyToCustomer(h.deps, { conversationId, agentId, text: 'hi' })).rejects.toBeInstanceOf(
      ConsentError,
    );
    await endConversation(h.deps, { conversationId, agentId });
    await expect(replyToCustomer(h.deps, { conversationId, agentId, text: 'hi' })).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });
});

describe('an agent replying to a closed conversation', () => {
  it('is told it is closed (409), not that it is not theirs', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await closeByAgent(h.deps, { conversationId, agentId });
    const refused = replyToCustomer(h.deps, { conversationId, agentId, text: 'one more thing' });
    await expect(refused).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(refused).rejects.toThrow(
      `conversation ${conversationId} is closed; it no longer takes replies`,
    );
  });

  it('is told the customer opted out (409) after their STOP closed it', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    expect((await h.store.getConversation(conversationId))?.value.state).toBe('closed');
    await expect(
      replyToCustomer(h.deps, { conversationId, agentId, text: 'Are you sure?' }),
    ).rejects.toBeInstanceOf(ConsentError);
  });

  it('tells an agent of another queue only that it is not theirs, not whether the customer opted out', async () => {
    const { h, conversationId } = await activeConversation();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await h.addAgent({ id: 'carol', queueIds: ['billing'] });
    await expect(
      replyToCustomer(h.deps, { conversationId, agentId: 'carol', text: 'Hello?' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('delivering an outbound message', () => {
  it('keeps which message the provider id is, even when writing that failed once after the send', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'On its way' });
    const message = queuedMessage(h);
    const put = h.store.putProviderMessage.bind(h.store);
    let failures = 1;
    h.store.putProviderMessage = async (ref) => {
      if (failures-- > 0) throw new Error('store unavailable');
      return put(ref);
    };
    // The send went out, but the lookup could not be written: the queue delivers it again.
    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toThrow('store unavailable');
    expect(await deliverOutbound(h.deps, message, attempt(2))).toEqual({
      status: 'skipped',
      reason: 'already sent',
    });
    expect(h.sender.sends).toHaveLength(1);
    expect(await h.store.getProviderMessage('local', 'fake-1')).toEqual({
      provider: 'local',
      providerMessageId: 'fake-1',
      conversationId,
      messageId: message.id,
    });
  });

  it('sends once and records the provider id, even when the queue delivers it again', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'On its way' });
    const message = queuedMessage(h);
    expect(await deliverOutbound(h.deps, message, attempt(1))).toEqual({
      status: 'sent',
      providerMessageId: 'fake-1',
    });
    expect(await deliverOutbound(h.deps, message, attempt(2))).toEqual({
      status: 'skipped',
      reason: 'already sent',
    });
    expect(h.sender.sends).toHaveLength(1);
    expect(h.sender.sends[0]).toMatchObject({ idempotencyKey: message.id, to: CUSTOMER, text: 'On its way' });
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      status: 'sent',
      providerMessageId: 'fake-1',
    });
  });

  it('writes the message record itself when the reply crashed before storing it', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Sorry for the wait' });
    const message = queuedMessage(h);
    const lost = { ...message, id: 'never-stored' };
    await deliverOutbound(h.deps, lost, attempt(1));
    expect((await h.store.getMessage(conversationId, 'never-stored'))?.value.status).toBe('sent');
  });

  it('hands transient failures back to the queue, and marks the message failed on the last attempt', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Hello?' });
    const message = queuedMessage(h);
    h.sender.failures = [
      new SendError('transient', 'provider returned 503'),
      new SendError('rate-limited', '429', 1000),
    ];
    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toBeInstanceOf(SendError);
    expect((await h.store.getMessage(conversationId, message.id))?.value.status).toBe('queued');
    const last = await deliverOutbound(h.deps, message, attempt(3));
    expect(last).toEqual({ status: 'failed', reason: 'provider unavailable after 3 attempts: 429' });
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      status: 'failed',
      failureReason: 'provider unavailable after 3 attempts: 429',
    });
  });

  it('marks a dead-lettered message failed with the reason, and leaves one that went out as it is', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Lost in the queue' });
    const lost = queuedMessage(h);
    await failDeadLettered(h.deps, lost, 'MaxDeliveryCountExceeded');
    expect((await h.store.getMessage(conversationId, lost.id))?.value).toMatchObject({
      status: 'failed',
      failureReason:
        'it could not be sent after repeated failures (MaxDeliveryCountExceeded); nothing went out',
    });
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Sent already' });
    const sent = queuedMessage(h);
    await deliverOutbound(h.deps, sent, attempt(1));
    await failDeadLettered(h.deps, sent, 'MaxDeliveryCountExceeded');
    expect((await h.store.getMessage(conversationId, sent.id))?.value.status).toBe('sent');
  });

  it('marks the customer opted out when the provider says so, and sends nothing more to them', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'First' });
    h.sender.failures = [new SendError('opted-out', 'recipient unsubscribed (21610)')];
    expect(await deliverOutbound(h.deps, queuedMessage(h), attempt(1))).toMatchObject({ status: 'failed' });
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(true);
    await expect(replyToCustomer(h.deps, { conversationId, agentId, text: 'Second' })).rejects.toBeInstanceOf(
      ConsentError,
    );
    expect(h.sender.sends).toEqual([]);
  });

  it('refuses to send a queued message to a customer who opted out after it was queued', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Queued before STOP' });
    const customer = await h.store.getCustomer('support', CUSTOMER);
    if (!customer) throw new Error('no customer');
    await h.store.putCustomer({ ...customer.value, optedOut: true }, customer.etag);
    expect(await deliverOutbound(h.deps, queuedMessage(h), attempt(1))).toEqual({
      status: 'failed',
      reason: 'the customer opted out of this channel',
    });
    expect(h.sender.sends).toEqual([]);
  });
});

describe('delivering a message erased with its customer meanwhile', () => {
  // Another writer (a delivery report) gets in before the delivery's write of the record, so that
  // write conflicts; the customer's erasure then deletes the record before it is read again.
  for (const [write, nth] of [
    ['its attempt being marked', 1],
    ['its status being set to sent', 2],
  ] as const) {
    it(`does not write back a message changed and then erased during ${write}`, async () => {
      const { h, conversationId, agentId } = await activeConversation();
      await replyToCustomer(h.deps, { conversationId, agentId, text: 'On its way' });
      const message = queuedMessage(h);
      const replace = h.store.replaceMessage.bind(h.store);
      let writes = 0;
      h.store.replaceMessage = async (m, etag) => {
        writes += 1;
        if (writes !== nth) return replace(m, etag);
        const current = await h.store.getMessage(conversationId, message.id);
        if (current) await replace(current.value, current.etag);
        try {
          return await replace(m, etag);
        } finally {
          await h.store.deleteMessage(conversationId, message.id);
        }
      };
      expect(await deliverOutbound(h.deps, message, attempt(1))).toEqual({
        status: 'sent',
        providerMessageId: 'fake-1',
      });
      expect(await h.store.getMessage(conversationId, message.id)).toBeUndefined();
    });
  }
});

describe('delivering through a provider without idempotency keys', () => {
  it('sends normally, and retries after an error the provider answered', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Once only' });
    h.sender.failures = [new SendError('transient', 'provider returned 503')];
    await expect(deliverOutbound(h.deps, queuedMessage(h), attempt(1))).rejects.toBeInstanceOf(SendError);
    expect(await deliverOutbound(h.deps, queuedMessage(h), attempt(2))).toMatchObject({ status: 'sent' });
    expect(h.sender.sends).toHaveLength(1);
  });

  it('fails a message the provider did not answer, and never sends it again: it may have reached the customer', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Maybe sent' });
    const message = queuedMessage(h);
    h.sender.failures = [new SendInDoubtError('Twilio did not answer: socket hang up')];
    expect(await deliverOutbound(h.deps, message, attempt(1))).toMatchObject({ status: 'failed' });
    expect((await h.store.getMessage(conversationId, message.id))?.value.failureReason).toBe(
      'Twilio did not answer: socket hang up; it may have reached the customer, so it was not repeated',
    );
    expect(h.metrics.of('sms.delivery.failures')[0]?.attributes.reason).toBe('interrupted');
    expect(await deliverOutbound(h.deps, message, attempt(2))).toMatchObject({ status: 'skipped' });
    expect(h.sender.sends).toHaveLength(0);
  });

  it('leaves a message the provider did not answer as its delivery report says, when one came meanwhile', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Taken after all' });
    const message = queuedMessage(h);
    // The provider took it and reported it sent while our connection to it broke.
    h.sender.send = async () => {
      const stored = await h.store.getMessage(conversationId, message.id);
      if (stored) await h.store.replaceMessage({ ...stored.value, status: 'sent' }, stored.etag);
      throw new SendInDoubtError('Twilio did not answer: no answer within 30 s');
    };
    expect(await deliverOutbound(h.deps, message, attempt(1))).toMatchObject({ status: 'skipped' });
    expect((await h.store.getMessage(conversationId, message.id))?.value.status).toBe('sent');
  });

  it('retries a message the provider did not answer when the provider takes an idempotency key', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Sent once, by its key' });
    const message = queuedMessage(h);
    h.sender.failures = [new SendInDoubtError('ACS did not answer')];
    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toBeInstanceOf(SendInDoubtError);
    expect(await deliverOutbound(h.deps, message, attempt(2))).toMatchObject({ status: 'sent' });
    expect(h.sender.sends).toHaveLength(1);
  });

  it('never repeats a send that was interrupted before the provider answered', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Maybe sent' });
    const message = queuedMessage(h);
    // The process dies while the provider call is in flight: the marker is written, no answer.
    h.sender.send = () => new Promise(() => {});
    void deliverOutbound(h.deps, message, attempt(1));
    await new Promise((resolve) => setImmediate(resolve));
    const redelivered = await deliverOutbound(h.deps, message, attempt(2));
    expect(redelivered).toMatchObject({ status: 'failed' });
    expect((await h.store.getMessage(conversationId, message.id))?.value.failureReason).toMatch(
      /interrupted before the provider answered/,
    );
  });
});

describe('delivering an outbound message: what is counted, logged and kept', () => {
  const logged = (h: CoreHarness, event: string) =>
    h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.event === event);

  it('counts and logs a sent message by channel and provider, giving the provider the whole request', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'On its way' });
    const message = queuedMessage(h);
    await deliverOutbound(h.deps, message, attempt(1));
    expect(h.sender.sends).toEqual([
      {
        channel: expect.objectContaining({ id: 'support', provider: 'local' }),
        idempotencyKey: message.id,
        from: SUPPORT_NUMBER,
        to: CUSTOMER,
        text: 'On its way',
        conversationId,
        firstAttemptAt: '2026-11-23T09:00:00.000Z',
      },
    ]);
    expect(h.metrics.of('sms.messages.sent')).toMatchObject([
      { value: 1, attributes: { channel: 'support', provider: 'local' } },
    ]);
    expect(logged(h, 'outbound.sent')).toMatchObject([
      { messageId: message.id, conversationId, to: '+1********23', provider: 'local' },
    ]);
  });

  it('gives every attempt the time of the first, as ACS wants it on a repeat', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Retry me' });
    const message = queuedMessage(h);
    h.sender.failures = [new SendError('transient', 'provider returned 503')];
    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toBeInstanceOf(SendError);
    expect(logged(h, 'outbound.retry')).toMatchObject([
      { kind: 'transient', attempt: 1, messageId: message.id },
    ]);
    h.clock.advance(60_000);
    await deliverOutbound(h.deps, message, attempt(2));
    expect(h.sender.sends[0]?.firstAttemptAt).toBe('2026-11-23T09:00:00.000Z');
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      status: 'sent',
      firstAttemptAt: '2026-11-23T09:00:00.000Z',
    });
  });

  it('marks a message failed, counted as rejected, when the provider refuses it for good', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'To a landline' });
    h.sender.failures = [new SendError('permanent', 'the number cannot receive SMS (21614)')];
    expect(await deliverOutbound(h.deps, queuedMessage(h), attempt(1))).toEqual({
      status: 'failed',
      reason: 'the number cannot receive SMS (21614)',
    });
    expect(h.metrics.of('sms.delivery.failures')).toMatchObject([
      { value: 1, attributes: { channel: 'support', provider: 'local', reason: 'rejected' } },
    ]);
    expect(logged(h, 'outbound.failed')).toMatchObject([{ kind: 'permanent' }]);
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(false);
  });

  it('counts a provider still unavailable at the last attempt as unavailable', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Hello?' });
    h.sender.failures = [new SendError('transient', 'provider returned 503')];
    expect(await deliverOutbound(h.deps, queuedMessage(h), attempt(3))).toEqual({
      status: 'failed',
      reason: 'provider unavailable after 3 attempts: provider returned 503',
    });
    expect(h.metrics.of('sms.delivery.failures')[0]?.attributes.reason).toBe('unavailable');
  });

  it("records the provider's opt-out answer as the customer's consent change, counted as opted out", async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'First' });
    h.sender.failures = [new SendError('opted-out', 'recipient unsubscribed (21610)')];
    expect(await deliverOutbound(h.deps, queuedMessage(h), attempt(1))).toEqual({
      status: 'failed',
      reason: 'recipient unsubscribed (21610)',
    });
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      optedOut: true,
      consentChangedVia: 'local refused the send: recipient unsubscribed (21610)',
    });
    expect(h.metrics.of('sms.delivery.failures')[0]?.attributes.reason).toBe('opted-out');
  });

  it('counts and logs a message refused because the customer opted out while it waited', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Queued before STOP' });
    const customer = await h.store.getCustomer('support', CUSTOMER);
    if (!customer) throw new Error('no customer');
    await h.store.putCustomer({ ...customer.value, optedOut: true }, customer.etag);
    await deliverOutbound(h.deps, queuedMessage(h), attempt(1));
    expect(h.metrics.of('sms.delivery.failures')).toMatchObject([
      { attributes: { channel: 'support', provider: 'local', reason: 'opted-out' } },
    ]);
    expect(logged(h, 'outbound.refused')).toMatchObject([
      { level: 'info', reason: 'the customer opted out of this channel' },
    ]);
  });

  it('still sends the confirmation of an opt-out to the number that opted out', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'You are unsubscribed' });
    const confirmation = { ...queuedMessage(h), id: 'confirm-1', purpose: 'opt-out-confirmation' } as Message;
    const customer = await h.store.getCustomer('support', CUSTOMER);
    if (!customer) throw new Error('no customer');
    await h.store.putCustomer({ ...customer.value, optedOut: true }, customer.etag);
    expect(await deliverOutbound(h.deps, confirmation, attempt(1))).toMatchObject({ status: 'sent' });
  });

  it('fails a message whose sending number no longer belongs to a channel, counted as no channel', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Orphan' });
    const message = queuedMessage(h);
    h.deps.directory = new Directory([], testSeed.queues);
    expect(await deliverOutbound(h.deps, message, attempt(1))).toEqual({
      status: 'failed',
      reason: 'the sending number no longer belongs to a channel',
    });
    expect(h.metrics.of('sms.delivery.failures')).toMatchObject([
      { attributes: { channel: 'none', provider: 'local', reason: 'no-channel' } },
    ]);
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      status: 'failed',
      failureReason: 'the sending number no longer belongs to a channel',
    });
    expect(h.sender.sends).toEqual([]);
  });

  it('writes the record failed when a message never stored (the reply crashed first) has no channel any more', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Never stored' });
    const lost = { ...queuedMessage(h), id: 'never-stored' };
    h.deps.directory = new Directory([], testSeed.queues);
    expect(await deliverOutbound(h.deps, lost, attempt(1))).toEqual({
      status: 'failed',
      reason: 'the sending number no longer belongs to a channel',
    });
    expect((await h.store.getMessage(conversationId, 'never-stored'))?.value).toMatchObject({
      status: 'failed',
      failureReason: 'the sending number no longer belongs to a channel',
      text: 'Never stored',
    });
  });

  it('fails the record another writer stored first when the channel is gone, and lets any other failure to write it through', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Raced' });
    const queued = queuedMessage(h);
    h.deps.directory = new Directory([], testSeed.queues);
    const create = h.store.createMessage.bind(h.store);

    // The delivery's read finds nothing; the reply writes the record just before the delivery does.
    const raced = { ...queued, id: 'raced' };
    raceRecord(h, 'raced', raced);
    expect(await deliverOutbound(h.deps, raced, attempt(1))).toMatchObject({ status: 'failed' });
    expect((await h.store.getMessage(conversationId, 'raced'))?.value).toMatchObject({
      status: 'failed',
      failureReason: 'the sending number no longer belongs to a channel',
    });

    // A write that failed otherwise goes back to the queue, even when it landed (a timeout).
    h.store.createMessage = async (message) => {
      await create(message);
      throw new Error('request timed out');
    };
    await expect(deliverOutbound(h.deps, { ...queued, id: 'timed-out' }, attempt(1))).rejects.toThrow(
      'request timed out',
    );

    // Told the record exists, yet nothing is there to fail: that goes back to the queue too.
    const phantom = new AlreadyExistsError('message phantom already exists');
    h.store.createMessage = async () => {
      throw phantom;
    };
    await expect(deliverOutbound(h.deps, { ...queued, id: 'phantom' }, attempt(1))).rejects.toBe(phantom);
    expect(h.metrics.of('sms.delivery.failures')).toHaveLength(1);
  });

  it('says a message failed before is skipped, and records no provider id for a sent one whose channel is gone', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Lost' });
    const lost = queuedMessage(h);
    await failDeadLettered(h.deps, lost, 'MaxDeliveryCountExceeded');
    expect(await deliverOutbound(h.deps, lost, attempt(2))).toEqual({
      status: 'skipped',
      reason: 'already failed',
    });

    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Sent' });
    const sent = queuedMessage(h);
    const stored = await h.store.getMessage(conversationId, sent.id);
    if (!stored) throw new Error('no message');
    await h.store.replaceMessage(
      { ...stored.value, status: 'sent', providerMessageId: 'SMabc' },
      stored.etag,
    );
    h.deps.directory = new Directory([], testSeed.queues);
    expect(await deliverOutbound(h.deps, sent, attempt(2))).toEqual({
      status: 'skipped',
      reason: 'already sent',
    });
    expect(await h.store.getProviderMessage('local', 'SMabc')).toBeUndefined();
  });

  it('lets an error that is no provider answer through, leaving the message queued for the retry', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Bug' });
    const message = queuedMessage(h);
    h.sender.send = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(deliverOutbound(h.deps, message, attempt(3))).rejects.toThrow('fetch failed');
    expect((await h.store.getMessage(conversationId, message.id))?.value.status).toBe('queued');
    expect(h.metrics.of('sms.delivery.failures')).toEqual([]);
  });

  it('leaves a record another delivery wrote first to the next delivery, sending nothing, and lets any other failure to write it through', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Raced' });
    const message = { ...queuedMessage(h), id: 'raced' };
    // Another delivery writes the record (with its attempt) just after this one's read.
    raceRecord(h, 'raced', { ...message, firstAttemptAt: '2026-11-23T09:00:00.000Z' });
    const raced = deliverOutbound(h.deps, message, attempt(1));
    await expect(raced).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(raced).rejects.toMatchObject({ cause: expect.any(AlreadyExistsError) });
    await expect(raced).rejects.toThrow('the message was written meanwhile');
    expect(h.sender.sends).toEqual([]);
    // The queue delivers the message again; that delivery reads the record and sends it once.
    expect(await deliverOutbound(h.deps, message, attempt(2))).toMatchObject({ status: 'sent' });
    expect(h.sender.sends).toHaveLength(1);

    h.store.createMessage = async () => {
      throw new Error('store unavailable');
    };
    await expect(deliverOutbound(h.deps, { ...message, id: 'unwritten' }, attempt(1))).rejects.toThrow(
      'store unavailable',
    );
  });

  it('sends at once a reply whose own request wrote its record between the delivery’s read and write', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Raced by its request' });
    const message = { ...queuedMessage(h), id: 'raced-by-request' };
    // The reply queues its send, then writes the record: here just after the delivery looked.
    raceRecord(h, 'raced-by-request', message);

    expect(await deliverOutbound(h.deps, message, attempt(1))).toMatchObject({ status: 'sent' });
    expect(h.sender.sends).toHaveLength(1);
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      status: 'sent',
      firstAttemptAt: expect.any(String),
    });
  });

  it('sends nothing when the record that appeared meanwhile is already failed (a dead letter, a channel gone)', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Failed meanwhile' });
    const message = { ...queuedMessage(h), id: 'failed-meanwhile' };
    raceRecord(h, 'failed-meanwhile', {
      ...message,
      status: 'failed',
      failureReason: 'it could not be sent after repeated failures (lock lost); nothing went out',
    });

    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toBeInstanceOf(ConcurrencyError);
    expect(h.sender.sends).toEqual([]);
    expect((await h.store.getMessage(conversationId, message.id))?.value.status).toBe('failed');
  });

  it('never lets two deliveries of one message both send through a provider without an idempotency key', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Once only' });
    h.sender.idempotent = false;
    const message = { ...queuedMessage(h), id: 'twice-delivered' };
    // Both deliveries read before the reply writes the record (one took the message when the
    // other's lock lapsed), then both find it written.
    const get = h.store.getMessage.bind(h.store);
    let reads = 0;
    h.store.getMessage = async (c, id) => {
      if (id === 'twice-delivered' && reads < 2) {
        reads += 1;
        if (reads === 2) await h.store.createMessage(message);
        return undefined;
      }
      return get(c, id);
    };

    const outcomes = await Promise.allSettled([
      deliverOutbound(h.deps, message, attempt(1)),
      deliverOutbound(h.deps, message, attempt(1)),
    ]);

    expect(h.sender.sends).toHaveLength(1);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: expect.any(ConcurrencyError),
    });
  });

  it('keeps a delivery report that overtook the send, writing only the provider id', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Fast carrier' });
    const message = queuedMessage(h);
    const send = h.sender.send.bind(h.sender);
    h.sender.send = async (request) => {
      const result = await send(request);
      const stored = await h.store.getMessage(conversationId, message.id);
      if (stored) await h.store.replaceMessage({ ...stored.value, status: 'delivered' }, stored.etag);
      return result;
    };
    await deliverOutbound(h.deps, message, attempt(1));
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      status: 'delivered',
      providerMessageId: 'fake-1',
    });
  });

  it('sends nothing, counted as interrupted and logged, when an earlier send without idempotency died', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Maybe sent' });
    const message = queuedMessage(h);
    const stored = await h.store.getMessage(conversationId, message.id);
    if (!stored) throw new Error('no message');
    await h.store.replaceMessage(
      {
        ...stored.value,
        firstAttemptAt: '2026-11-23T08:59:00.000Z',
        sendStartedAt: '2026-11-23T08:59:00.000Z',
      },
      stored.etag,
    );
    expect(await deliverOutbound(h.deps, message, attempt(2))).toMatchObject({ status: 'failed' });
    expect(h.metrics.of('sms.delivery.failures')[0]?.attributes.reason).toBe('interrupted');
    expect(logged(h, 'outbound.interrupted')).toHaveLength(1);
    expect(h.sender.sends).toEqual([]);
  });

  it('without idempotency, marks the attempt started before the call and clears it once the provider answered', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Once only' });
    const message = queuedMessage(h);
    let during: Message | undefined;
    h.sender.send = async () => {
      during = (await h.store.getMessage(conversationId, message.id))?.value;
      throw new SendError('transient', 'provider returned 503');
    };
    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toBeInstanceOf(SendError);
    expect(during).toMatchObject({ sendStartedAt: '2026-11-23T09:00:00.000Z' });
    expect((await h.store.getMessage(conversationId, message.id))?.value).toMatchObject({
      sendStartedAt: null,
      firstAttemptAt: '2026-11-23T09:00:00.000Z',
    });
  });

  it('without idempotency, marks a retry started before the call too, keeping the time of the first attempt', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    h.sender.idempotent = false;
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Once only' });
    const message = queuedMessage(h);
    h.sender.failures = [new SendError('transient', 'provider returned 503')];
    await expect(deliverOutbound(h.deps, message, attempt(1))).rejects.toBeInstanceOf(SendError);
    h.clock.advance(60_000);
    const send = h.sender.send.bind(h.sender);
    let during: Message | undefined;
    h.sender.send = async (request) => {
      during = (await h.store.getMessage(conversationId, message.id))?.value;
      return send(request);
    };
    expect(await deliverOutbound(h.deps, message, attempt(2))).toMatchObject({ status: 'sent' });
    expect(during).toMatchObject({
      firstAttemptAt: '2026-11-23T09:00:00.000Z',
      sendStartedAt: '2026-11-23T09:01:00.000Z',
    });
  });
});

describe('a dead-lettered outbound message', () => {
  it('is written failed when it was never stored, counted as dead-lettered on its channel, and logged', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Never stored' });
    const message = { ...queuedMessage(h), id: 'never-stored' };
    await failDeadLettered(h.deps, message, 'MaxDeliveryCountExceeded');
    expect((await h.store.getMessage(conversationId, 'never-stored'))?.value).toMatchObject({
      status: 'failed',
      failureReason:
        'it could not be sent after repeated failures (MaxDeliveryCountExceeded); nothing went out',
    });
    expect(h.metrics.of('sms.delivery.failures')).toMatchObject([
      { value: 1, attributes: { channel: 'support', provider: 'local', reason: 'dead-lettered' } },
    ]);
    expect(
      h.logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.event === 'outbound.dead-lettered'),
    ).toMatchObject([
      { level: 'error', messageId: 'never-stored', conversationId, reason: 'MaxDeliveryCountExceeded' },
    ]);
  });

  it('counts nothing for one already sent, and names no channel for a number no channel has', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Sent' });
    const sent = queuedMessage(h);
    await deliverOutbound(h.deps, sent, attempt(1));
    await failDeadLettered(h.deps, sent, 'MaxDeliveryCountExceeded');
    expect(h.metrics.of('sms.delivery.failures')).toEqual([]);

    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Orphan' });
    const orphan = queuedMessage(h);
    h.deps.directory = new Directory([], testSeed.queues);
    await failDeadLettered(h.deps, orphan, 'MaxDeliveryCountExceeded');
    expect(h.metrics.of('sms.delivery.failures')[0]?.attributes.channel).toBe('none');
  });

  it('reads what another writer stored meanwhile, and marks that failed', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Raced' });
    const message = { ...queuedMessage(h), id: 'raced' };
    const create = h.store.createMessage.bind(h.store);
    let first = true;
    h.store.createMessage = async (m) => {
      if (first) {
        first = false;
        await create(message);
      }
      return create(m);
    };
    await failDeadLettered(h.deps, message, 'lock lost');
    expect((await h.store.getMessage(conversationId, 'raced'))?.value.status).toBe('failed');

    h.store.createMessage = async () => {
      throw new Error('store unavailable');
    };
    await expect(failDeadLettered(h.deps, { ...message, id: 'other' }, 'lock lost')).rejects.toThrow(
      'store unavailable',
    );
  });
});

describe('a dead-lettered outbound message raced again and again', () => {
  it('gives up with a conflict that says the record was written meanwhile, caused by the store', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Raced' });
    const message = { ...queuedMessage(h), id: 'flickering' };
    // Each write is told the record exists, yet each read finds it gone again.
    h.store.createMessage = async () => {
      throw new AlreadyExistsError('message flickering already exists');
    };
    const marked = failDeadLettered(h.deps, message, 'lock lost');
    await expect(marked).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(marked).rejects.toThrow('message written meanwhile');
    await expect(marked).rejects.toMatchObject({ cause: expect.any(AlreadyExistsError) });
    expect(h.metrics.of('sms.delivery.failures')).toEqual([]);
  });
});

describe('applying delivery reports', () => {
  async function sentReply() {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Tracking 1Z999' });
    const message = queuedMessage(h);
    await deliverOutbound(h.deps, message, attempt(1));
    const report = (status: 'queued' | 'sent' | 'delivered' | 'failed', overrides = {}) => ({
      provider: 'local',
      providerMessageId: 'fake-1',
      conversationId,
      messageId: message.id,
      status,
      reason: status === 'failed' ? 'carrier filtered it' : null,
      recipientOptedOut: false,
      reportedAt: '2026-11-23T09:05:00.000Z',
      ...overrides,
    });
    const status = async () => (await h.store.getMessage(conversationId, message.id))?.value;
    return { h, report, status };
  }

  it('moves the status forward and keeps the reason of a failure', async () => {
    const { h, report, status } = await sentReply();
    expect(await applyDeliveryReport(h.deps, report('failed'))).toBe('applied');
    expect(await status()).toMatchObject({ status: 'failed', failureReason: 'carrier filtered it' });
  });

  it('never moves it back when reports come out of order', async () => {
    const { h, report, status } = await sentReply();
    await applyDeliveryReport(h.deps, report('delivered'));
    expect(await applyDeliveryReport(h.deps, report('sent'))).toBe('stale');
    expect(await applyDeliveryReport(h.deps, report('queued'))).toBe('stale');
    expect((await status())?.status).toBe('delivered');
  });

  it('ignores a report for an unknown message or another provider message', async () => {
    const { h, report, status } = await sentReply();
    expect(await applyDeliveryReport(h.deps, report('failed', { messageId: 'nope' }))).toBe(
      'unknown-message',
    );
    expect(await applyDeliveryReport(h.deps, report('failed', { providerMessageId: 'someone-else' }))).toBe(
      'unknown-message',
    );
    expect((await status())?.status).toBe('sent');
  });

  it('finds the message by the provider id alone, with one point read of a lookup the send wrote', async () => {
    const { h, report, status } = await sentReply();
    const { conversationId: _c, messageId: _m, ...byProviderId } = report('delivered');
    expect(await applyProviderReport(h.deps, byProviderId)).toBe('applied');
    expect((await status())?.status).toBe('delivered');
  });

  it('lets a report for a provider id not known yet be retried, then drops it as not ours', async () => {
    const { h, report, status } = await sentReply();
    const {
      conversationId: _c,
      messageId: _m,
      ...unknown
    } = report('failed', {
      providerMessageId: 'SMnotours',
      reportedAt: h.clock.now().toISOString(),
    });
    await expect(applyProviderReport(h.deps, unknown)).rejects.toBeInstanceOf(NotFoundError);
    h.clock.advance(3 * 60_000);
    expect(await applyProviderReport(h.deps, unknown)).toBe('unknown-message');
    expect((await status())?.status).toBe('sent');
  });

  it("queues a report naming only the provider id in a session of its own, so its wait never holds up the customer's texts", async () => {
    const { h, report } = await sentReply();
    const {
      conversationId: _c,
      messageId: _m,
      ...unknown
    } = report('delivered', { providerMessageId: 'SMnotours' });
    const customerSession = `${SUPPORT_NUMBER}:${CUSTOMER}`;
    await acceptDeliveryReport(h.deps, unknown, customerSession);
    await acceptDeliveryReport(h.deps, report('delivered'), customerSession);
    expect(h.queue.on('sms-inbound').map((m) => m.sessionId)).toEqual([
      'report:local:SMnotours',
      customerSession,
    ]);
  });

  it('keeps the provider id when the report overtakes the send being recorded', async () => {
    const { h, conversationId, agentId } = await activeConversation();
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Fast carrier' });
    const message = queuedMessage(h);
    // The provider's callback lands while its answer to the send is still on the way back.
    let afterReport: string | undefined;
    h.sender.send = async (request) => {
      await applyDeliveryReport(h.deps, {
        provider: 'local',
        providerMessageId: 'fast-1',
        conversationId,
        messageId: request.idempotencyKey,
        status: 'delivered',
        reason: null,
        recipientOptedOut: false,
        reportedAt: '2026-11-23T09:05:00.000Z',
      });
      afterReport = (await h.store.getMessage(conversationId, message.id))?.etag;
      return { providerMessageId: 'fast-1' };
    };
    expect(await deliverOutbound(h.deps, message, attempt(1))).toEqual({
      status: 'sent',
      providerMessageId: 'fast-1',
    });
    const stored = await h.store.getMessage(conversationId, message.id);
    expect(stored?.value).toMatchObject({
      status: 'delivered',
      providerMessageId: 'fast-1',
    });
    // The report wrote all the send had to say: the record is not written again.
    expect(stored?.etag).toBe(afterReport);
  });
});

describe('notifications in quiet hours', () => {
  it('are held until the recipient window opens, and say until when', async () => {
    const h = coreHarness();
    const [support, alerts] = testSeed.channels;
    if (!support || !alerts) throw new Error('seed channels');
    const notificationWindow = notificationWindowSchema.parse({ defaultTimeZone: 'America/Los_Angeles' });
    h.deps.directory = new Directory([support, { ...alerts, notificationWindow }], testSeed.queues);
    h.clock.set(new Date('2026-11-23T06:00:00Z')); // 22:00 the evening before in Los Angeles
    const notification = await sendNotification(
      h.deps,
      notificationRequestSchema.parse({
        channelId: 'alerts',
        to: [CUSTOMER],
        text: 'Reminder',
      }),
    );
    expect(notification.recipients).toEqual([
      {
        to: CUSTOMER,
        status: 'queued',
        messageId: expect.any(String),
        heldUntil: '2026-11-23T16:00:00.000Z',
      },
    ]);
    expect(h.queue.on('sms-outbound')[0]?.scheduledAt?.toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });
});
