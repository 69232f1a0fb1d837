import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../shared/domain/conversation.js';
import { type Message, messageSegments } from '../../shared/domain/message.js';
import { ValidationError } from '../../shared/errors.js';
import type { Stored } from '../../shared/ports.js';
import { appendInbound, inboundMessage } from '../../shared/use-cases/append-inbound.js';
import { queueOutbound } from '../../shared/use-cases/outbound.js';
import { aConversation, CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { meanwhile } from '../support/meanwhile.js';

const media = [{ url: 'https://media.example/parcel.jpg', contentType: 'image/jpeg' }];

async function stored(h: ReturnType<typeof coreHarness>, conversation: Conversation) {
  return h.store.createConversation(conversation);
}

describe("a customer's message appended to a conversation", () => {
  it('takes the next place, records the activity and is stored as received', async () => {
    const h = coreHarness();
    const into = await stored(h, aConversation({ state: 'active', agentId: 'alice', lastSeq: 2 }));
    h.clock.advance(60_000);
    const sms = h.sms({ text: 'Any news?' });
    const conversation = await appendInbound(h.deps, into, sms);
    expect(conversation).toMatchObject({
      lastSeq: 3,
      lastActivityAt: '2026-11-23T09:01:00.000Z',
      state: 'active',
    });
    expect((await h.store.getConversation('conv-1'))?.value).toEqual(conversation);
    expect((await h.store.getMessage('conv-1', sms.id))?.value).toEqual(inboundMessage(conversation, 3, sms));
  });

  it('is stored once when the message comes again', async () => {
    const h = coreHarness();
    const into = await stored(h, aConversation({ lastSeq: 1 }));
    const sms = h.sms();
    await appendInbound(h.deps, into, sms);
    const again = await appendInbound(
      h.deps,
      (await h.store.getConversation('conv-1')) as Stored<Conversation>,
      sms,
    );
    expect(again.lastSeq).toBe(3);
    expect((await h.store.getMessage('conv-1', sms.id))?.value.seq).toBe(2);
  });

  it('reads the conversation again when another write got there first', async () => {
    const h = coreHarness();
    const into = await stored(h, aConversation({ lastSeq: 1 }));
    const current = (await h.store.getConversation('conv-1')) as Stored<Conversation>;
    await h.store.replaceConversation({ ...current.value, lastSeq: 5 }, current.etag);
    const conversation = await appendInbound(h.deps, into, h.sms());
    expect(conversation.lastSeq).toBe(6);
  });

  it('fails when the conversation is gone', async () => {
    const h = coreHarness();
    const into = await stored(h, aConversation());
    const current = (await h.store.getConversation('conv-1')) as Stored<Conversation>;
    // Its ETag moves on and then it disappears: the re-read finds nothing.
    await h.store.replaceConversation({ ...current.value }, current.etag);
    h.store.getConversation = async () => undefined;
    await expect(appendInbound(h.deps, into, h.sms())).rejects.toThrow('conversation conv-1 vanished');
  });

  it('brings a waiting conversation back to its agent when they are available', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'available' });
    const into = await stored(h, aConversation({ state: 'waiting', agentId: 'alice' }));
    const conversation = await appendInbound(h.deps, into, h.sms());
    expect(conversation).toMatchObject({ state: 'active', agentId: 'alice' });
    expect(conversation.history.at(-1)).toMatchObject({ from: 'waiting', to: 'active', by: 'customer' });
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([
      { conversationId: 'conv-1', since: '2026-11-23T09:00:00.000Z' },
    ]);
  });

  it('is appended once when the conversation changed while its agent was being given it back', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'available' });
    const into = await stored(h, aConversation({ state: 'waiting', agentId: 'alice', lastSeq: 1 }));
    // While her capacity is reserved, an automated message takes the conversation's next place.
    meanwhile(h.store, 'getAgent', 'alice', 1, () =>
      queueOutbound(h.deps, 'conv-1', 'We are still here', { kind: 'system' }),
    );
    const sms = h.sms({ text: 'Back again' });
    const conversation = await appendInbound(h.deps, into, sms);
    expect(conversation).toMatchObject({ state: 'active', agentId: 'alice', lastSeq: 3 });
    expect((await h.store.getMessage('conv-1', sms.id))?.value.seq).toBe(3);
    expect((await h.store.getAgent('alice'))?.value.assignments.map((a) => a.conversationId)).toEqual([
      'conv-1',
    ]);
  });

  it('fails when the message cannot be written, the place it took staying unused', async () => {
    const h = coreHarness();
    const into = await stored(h, aConversation({ lastSeq: 1 }));
    h.store.createMessage = async () => {
      throw new Error('disk full');
    };
    await expect(appendInbound(h.deps, into, h.sms())).rejects.toThrow('disk full');
    expect((await h.store.getConversation('conv-1'))?.value.lastSeq).toBe(2);
  });

  it('puts a waiting conversation back in the queue when its agent is away, or there is none', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'away' });
    const into = await stored(h, aConversation({ state: 'waiting', agentId: 'alice' }));
    expect(await appendInbound(h.deps, into, h.sms())).toMatchObject({ state: 'open', agentId: null });
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    const other = await stored(h, aConversation({ id: 'conv-2', state: 'waiting', agentId: null }));
    expect(await appendInbound(h.deps, other, h.sms())).toMatchObject({ state: 'open', agentId: null });
  });
});

describe("a customer's message as stored", () => {
  it('carries its media only when it has some, and says when the sender was not validated', () => {
    const h = coreHarness();
    const conversation = aConversation();
    const plain = inboundMessage(conversation, 4, h.sms({ text: 'Hello' }));
    expect(plain).toEqual({
      id: plain.id,
      conversationId: 'conv-1',
      seq: 4,
      direction: 'inbound',
      author: { kind: 'customer' },
      from: CUSTOMER,
      to: SUPPORT_NUMBER,
      text: 'Hello',
      segments: messageSegments('Hello'),
      createdAt: '2026-11-23T09:00:00.000Z',
      provider: 'local',
      providerMessageId: plain.providerMessageId,
      status: 'received',
      failureReason: null,
    });
    expect(inboundMessage(conversation, 4, h.sms({ media })).media).toEqual(media);
    expect(inboundMessage(conversation, 4, h.sms({ fromValidated: false }))).toMatchObject({
      fromValidated: false,
    });
  });
});

describe('a message queued to a customer', () => {
  const alice = { kind: 'agent' as const, agentId: 'alice' };
  const outbound = (h: ReturnType<typeof coreHarness>) => h.queue.on('sms-outbound');

  it("takes the conversation's next place and goes on the number's queue, then is recorded", async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'active', agentId: 'alice', lastSeq: 4 }));
    h.clock.advance(30_000);
    const message = await queueOutbound(h.deps, 'conv-1', 'Your parcel ships today', { kind: 'system' });
    expect(message).toEqual({
      id: 'id-1',
      conversationId: 'conv-1',
      seq: 5,
      direction: 'outbound',
      author: { kind: 'system' },
      from: SUPPORT_NUMBER,
      to: CUSTOMER,
      text: 'Your parcel ships today',
      segments: messageSegments('Your parcel ships today'),
      createdAt: '2026-11-23T09:00:30.000Z',
      provider: 'local',
      providerMessageId: null,
      status: 'queued',
      failureReason: null,
    });
    expect(outbound(h)).toEqual([{ id: 'id-1', sessionId: SUPPORT_NUMBER, body: message }]);
    expect((await h.store.getMessage('conv-1', 'id-1'))?.value).toEqual(message);
    expect((await h.store.getConversation('conv-1'))?.value).toMatchObject({
      lastSeq: 5,
      lastActivityAt: '2026-11-23T09:00:30.000Z',
    });
  });

  it('keeps the id, purpose and media it is given', async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'active', agentId: 'alice' }));
    const message = await queueOutbound(h.deps, 'conv-1', 'See attached', alice, {
      id: 'conv-1:reply-1',
      purpose: 'automated',
      media,
    });
    expect(message).toMatchObject({ id: 'conv-1:reply-1', purpose: 'automated', media });
    const bare = await queueOutbound(h.deps, 'conv-1', 'Plain', alice, { media: [] });
    expect(bare).not.toHaveProperty('media');
    expect(bare).not.toHaveProperty('purpose');
  });

  it('is written with a read and a replace on a conversation not under way (set aside, closed)', async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'closed', lastSeq: 7 }));
    const message = await queueOutbound(h.deps, 'conv-1', 'You are unsubscribed', { kind: 'system' });
    expect(message.seq).toBe(8);
    expect((await h.store.getConversation('conv-1'))?.value).toMatchObject({
      lastSeq: 8,
      lastActivityAt: '2026-11-23T09:00:00.000Z',
    });
  });

  it('fails for a conversation that is gone, and for a text that cannot be sent', async () => {
    const h = coreHarness();
    await expect(queueOutbound(h.deps, 'conv-404', 'Hello', { kind: 'system' })).rejects.toThrow(
      'conversation conv-404 vanished',
    );
    await stored(h, aConversation());
    await expect(queueOutbound(h.deps, 'conv-1', '   ', { kind: 'system' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(outbound(h)).toEqual([]);
  });

  it("ends the customer's wait at the first agent reply, counted once", async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'active', agentId: 'alice', queueId: 'billing' }));
    h.clock.advance(90_000);
    await queueOutbound(h.deps, 'conv-1', 'Hi, Alice here', alice);
    h.clock.advance(60_000);
    await queueOutbound(h.deps, 'conv-1', 'Still there?', alice);
    expect((await h.store.getConversation('conv-1'))?.value.firstAgentReplyAt).toBe(
      '2026-11-23T09:01:30.000Z',
    );
    expect(h.metrics.of('sms.first_reply_wait')).toEqual([
      {
        kind: 'record',
        name: 'sms.first_reply_wait',
        value: 90_000,
        attributes: { queue: 'billing', channel: 'support' },
      },
    ]);
  });

  it("keeps the wait another agent's reply ended meanwhile, and counts it no second time", async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'active', agentId: 'alice' }));
    h.clock.advance(90_000);
    // Another reply (the agent's other tab) marks the first reply between this reply's place and its mark.
    meanwhile(h.store, 'getConversation', 'conv-1', 1, async () => {
      const current = await h.store.getConversation('conv-1');
      if (!current) throw new Error('no conversation');
      await h.store.replaceConversation(
        { ...current.value, firstAgentReplyAt: '2026-11-23T09:01:00.000Z' },
        current.etag,
      );
    });
    await queueOutbound(h.deps, 'conv-1', 'Hi, Alice here', alice);
    expect((await h.store.getConversation('conv-1'))?.value.firstAgentReplyAt).toBe(
      '2026-11-23T09:01:00.000Z',
    );
    expect(h.metrics.of('sms.first_reply_wait')).toEqual([]);
  });

  it('does not end the wait for a system message', async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'active', agentId: 'alice' }));
    await queueOutbound(h.deps, 'conv-1', 'You are number 2 in line', { kind: 'system' });
    expect((await h.store.getConversation('conv-1'))?.value.firstAgentReplyAt).toBeUndefined();
    expect(h.metrics.of('sms.first_reply_wait')).toEqual([]);
  });

  it("carries the trace of the customer's first message on an agent's answer only", async () => {
    const h = coreHarness();
    const traceContext = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    await stored(h, aConversation({ state: 'active', agentId: 'alice', traceContext }));
    await queueOutbound(h.deps, 'conv-1', 'Hi', alice);
    await queueOutbound(h.deps, 'conv-1', 'Automated', { kind: 'system' });
    const [answer, automated] = outbound(h);
    expect(answer?.traceContext).toEqual(traceContext);
    expect(automated).not.toHaveProperty('traceContext');
  });

  it('takes the record the outbound worker wrote first as its own, and fails on any other write error', async () => {
    const h = coreHarness();
    await stored(h, aConversation({ state: 'active', agentId: 'alice' }));
    const createMessage = h.store.createMessage.bind(h.store);
    h.store.createMessage = async (message: Message) => {
      // The worker got the queued message and wrote it before this write.
      await createMessage(message);
      return createMessage(message);
    };
    const message = await queueOutbound(h.deps, 'conv-1', 'Hi', alice, { id: 'reply-1' });
    expect((await h.store.getMessage('conv-1', 'reply-1'))?.value).toEqual(message);
    h.store.createMessage = async () => {
      throw new Error('disk full');
    };
    await expect(queueOutbound(h.deps, 'conv-1', 'Hi again', alice)).rejects.toThrow('disk full');
  });
});
