import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/**
 * The whole life of a conversation over HTTP, on the local host with the embedded default and a
 * manual clock: the seven steps of the conversation-core issue, in order.
 */
describe('a conversation from first text to auto-close, over HTTP', () => {
  let t: TestHost;
  let conversationId = '';
  let secondConversationId = '';

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  const customerTexts = async (text: string, messageId?: string) => {
    const response = await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text, messageId });
    expect(response.status).toBe(202);
    return response.body;
  };
  const conversation = async (id: string) => (await t.api('GET', `conversations/${id}`)).body;

  it('answers health once ready', async () => {
    const { status, body } = await t.api('GET', 'health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('1-2. a customer text becomes an open conversation on the channel default queue', async () => {
    const accepted = await customerTexts('Hello, my parcel is late');
    expect(accepted).toMatchObject({ status: 'accepted' });
    const queued = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/general/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation in the queue');
    expect(queued[0]).toMatchObject({
      state: 'open',
      channelId: 'support',
      agentId: null,
      customer: CUSTOMER,
    });
    conversationId = queued[0].id;
  });

  it('3. stays open while nobody is online, and goes to the first agent who comes online', async () => {
    await t.settle();
    expect((await conversation(conversationId)).conversation.state).toBe('open');
    const presence = await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    expect(presence.status).toBe(200);
    const mine = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'alice to be given the conversation');
    expect(mine[0]).toMatchObject({ id: conversationId, state: 'active', agentId: 'alice' });
    expect((await t.api('GET', 'queues/general/conversations')).body.conversations).toEqual([]);
  });

  it('4. the agent reads the messages and replies; the reply lands in the outbox and is marked sent', async () => {
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Sorry about that, let me check',
    });
    expect(reply.status).toBe(202);
    expect(reply.body.message).toMatchObject({ status: 'queued', direction: 'outbound', seq: 2 });

    const outbox = await t.eventually(async () => {
      const { body } = await t.api('GET', `local/outbox?to=${encodeURIComponent(CUSTOMER)}`);
      return body.messages.length === 1 && body.messages;
    }, 'the reply in the outbox');
    expect(outbox[0]).toMatchObject({
      from: SUPPORT,
      to: CUSTOMER,
      text: 'Sorry about that, let me check',
      status: 'sent',
    });

    const sent = await t.eventually(async () => {
      const { messages } = await conversation(conversationId);
      return messages[1]?.status === 'sent' && messages;
    }, 'the reply to be marked sent');
    expect(sent[1].providerMessageId).toBe(outbox[0].providerMessageId);
  });

  it('5. the customer reply joins the same conversation, and messages list in the order received', async () => {
    await customerTexts('Thanks! Order 1234');
    await customerTexts('It was due Friday');
    const messages = await t.eventually(async () => {
      const { messages } = await conversation(conversationId);
      return messages.length === 4 && messages;
    }, 'the customer replies');
    expect(messages.map((m: { text: string }) => m.text)).toEqual([
      'Hello, my parcel is late',
      'Sorry about that, let me check',
      'Thanks! Order 1234',
      'It was due Friday',
    ]);
    expect(messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('stores a provider redelivery once', async () => {
    await customerTexts('Are you there?', 'provider-msg-77');
    await customerTexts('Are you there?', 'provider-msg-77');
    await t.settle();
    const { messages } = await conversation(conversationId);
    expect(messages.filter((m: { text: string }) => m.text === 'Are you there?')).toHaveLength(1);
  });

  it('6. the agent ends it (wrap-up) and closes it; the next text opens a new conversation', async () => {
    // Signed in as herself, with no body at all: the bare POST the README shows with curl.
    const alice = { user: 'alice' };
    const ended = await t.api('POST', `conversations/${conversationId}/end`, undefined, alice);
    expect(ended.status).toBe(200);
    expect(ended.body.conversation.state).toBe('wrap-up');
    const closed = await t.api('POST', `conversations/${conversationId}/close`, undefined, alice);
    expect(closed.body.conversation.state).toBe('closed');
    expect(
      closed.body.conversation.history.map((h: { to: string; by: string }) => `${h.to} by ${h.by}`),
    ).toEqual(['open by customer', 'active by system', 'wrap-up by agent:alice', 'closed by agent:alice']);

    await customerTexts('One more thing');
    const mine = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the new conversation to reach alice');
    secondConversationId = mine[0].id;
    expect(secondConversationId).not.toBe(conversationId);
    expect((await conversation(secondConversationId)).messages.map((m: { text: string }) => m.text)).toEqual([
      'One more thing',
    ]);
  });

  it('7. an idle conversation is closed by the timer after the channel limit, freeing the agent', async () => {
    const early = await t.api('POST', 'local/clock', { advanceMinutes: 29 });
    expect(early.status).toBe(200);
    expect((await fetch(`${t.host.url}/admin/functions/autoCloseTimer`, { method: 'POST' })).status).toBe(
      202,
    );
    expect((await conversation(secondConversationId)).conversation.state).toBe('active');

    await t.api('POST', 'local/clock', { advanceMinutes: 2 });
    expect((await fetch(`${t.host.url}/admin/functions/autoCloseTimer`, { method: 'POST' })).status).toBe(
      202,
    );
    const after = (await conversation(secondConversationId)).conversation;
    expect(after.state).toBe('closed');
    expect(after.history.at(-1)).toMatchObject({
      by: 'system',
      reason: 'auto-close: active with no activity for more than 30 minutes',
    });
    const alice = await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    expect(alice.body.agent.assignments).toEqual([]);
    expect((await t.api('GET', 'agents/alice/conversations')).body.conversations).toEqual([]);
  });

  it('kept phone numbers and message texts out of the logs throughout', () => {
    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(10);
    expect(logs).not.toContain('4255550123');
    expect(logs).not.toContain('4255550100');
    for (const text of ['parcel', 'let me check', 'Order 1234', 'due Friday', 'One more thing']) {
      expect(logs).not.toContain(text);
    }
  });
});
