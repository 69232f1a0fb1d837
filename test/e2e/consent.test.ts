import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/** Consent keywords through the local host: whatever else happens, consent holds. */
describe('STOP and START over HTTP', () => {
  let t: TestHost;
  let conversationId = '';
  const text = (body: string) => t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: body });
  const outbox = async () =>
    (await t.api('GET', `local/outbox?to=${encodeURIComponent(CUSTOMER)}`)).body.messages.map(
      (m: { text: string }) => m.text,
    );

  beforeAll(async () => {
    t = await startTestHost();
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await text('Hello, where is my refund?');
    const mine = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation at alice');
    conversationId = mine[0].id;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('STOP closes the conversation, frees the agent and sends exactly one confirmation', async () => {
    await text('Stop');
    await t.eventually(
      async () =>
        (await t.api('GET', `conversations/${conversationId}`)).body.conversation.state === 'closed',
      'closed',
    );
    await t.settle();
    expect(await outbox()).toEqual([
      'You are unsubscribed from Customer support and will get no more messages. Reply START to resubscribe.',
    ]);
    expect((await t.api('GET', 'agents/alice/conversations')).body.conversations).toEqual([]);
  });

  it('answers a reply on the conversation STOP closed with 409 opted out, not 403', async () => {
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Sorry to see you go',
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toEqual({
      code: 'consent',
      message: 'the customer opted out of this channel; nothing can be sent to them',
    });
  });

  it('refuses an agent reply to the opted-out customer with a clear error', async () => {
    await text('one more question');
    const mine = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the new conversation');
    const reply = await t.api('POST', `conversations/${mine[0].id}/messages`, {
      agentId: 'alice',
      text: 'Sure!',
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toEqual({
      code: 'consent',
      message: 'the customer opted out of this channel; nothing can be sent to them',
    });
    await t.settle();
    expect(await outbox()).toHaveLength(1);
  });

  it('START opts back in, and replies go out again', async () => {
    await text('START');
    await t.eventually(async () => (await outbox()).length === 2, 'the START confirmation');
    const [conversation] = (await t.api('GET', 'agents/alice/conversations')).body.conversations;
    const reply = await t.api('POST', `conversations/${conversation.id}/messages`, {
      agentId: 'alice',
      text: 'Welcome back',
    });
    expect(reply.status).toBe(202);
    await t.eventually(async () => (await outbox()).includes('Welcome back'), 'the reply');
  });
});

/** Alerts that say "Reply STOP" must stop: the seed's outbound-only alerts channel over HTTP. */
describe('STOP to an outbound-only number over HTTP', () => {
  const ALERTS = '+14255550199';
  const RECIPIENT = '+14255550126';
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });
  const notify = () =>
    t.api('POST', 'notifications', { channelId: 'alerts', to: RECIPIENT, text: 'Your card was charged' });

  it('is accepted and confirmed; later notifications to that number are refused; other texts are not taken', async () => {
    expect((await notify()).status).toBe(202);
    const stop = await t.api('POST', 'local/inbound', { from: RECIPIENT, to: ALERTS, text: 'stop' });
    expect(stop.status).toBe(202);
    await t.settle();
    const outbox = (await t.api('GET', `local/outbox?to=${encodeURIComponent(RECIPIENT)}`)).body.messages;
    expect(outbox.map((m: { from: string; text: string }) => [m.from, m.text])).toEqual([
      [ALERTS, 'Your card was charged'],
      [
        ALERTS,
        'You are unsubscribed from Account alerts and will get no more messages. Reply START to resubscribe.',
      ],
    ]);
    const after = await notify();
    expect(after.status).toBe(202);
    expect(after.body.recipients).toEqual([
      { to: RECIPIENT, status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    const chat = await t.api('POST', 'local/inbound', {
      from: RECIPIENT,
      to: ALERTS,
      text: 'why did you stop?',
    });
    expect(chat.status).toBe(409);
    expect((await t.api('GET', 'agents/alice/conversations')).body.conversations).toEqual([]);
  });
});
