import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/**
 * The phone simulator plays the customer's handset: it reports a reply it shows as delivered, as a
 * carrier's delivery receipt would, and the agent sees the status move on.
 */
describe('delivery receipts from the local provider (the phone simulator)', () => {
  let t: TestHost;
  let conversationId = '';
  let providerMessageId = '';

  const replyStatus = async () => {
    const { body } = await t.api('GET', `conversations/${conversationId}`, undefined, { user: 'alice' });
    return body.messages.find((message: { direction: string }) => message.direction === 'outbound');
  };

  beforeAll(async () => {
    t = await startTestHost();
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' }, { user: 'alice' });
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'Hello' });
    conversationId = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations', undefined, { user: 'alice' });
      return body.conversations[0]?.id;
    }, 'alice to be given the conversation');
    const reply = await t.api(
      'POST',
      `conversations/${conversationId}/messages`,
      { text: 'Hi, Alice here' },
      {
        user: 'alice',
      },
    );
    expect(reply.status).toBe(202);
    providerMessageId = await t.eventually(async () => {
      const { body } = await t.api('GET', `local/outbox?to=${encodeURIComponent(CUSTOMER)}`);
      return body.messages.find((entry: { text: string }) => entry.text === 'Hi, Alice here')
        ?.providerMessageId;
    }, 'the reply in the outbox');
    await t.eventually(async () => (await replyStatus())?.status === 'sent', 'the reply sent');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuses a report for a message the local provider never sent, changing nothing', async () => {
    const response = await t.api('POST', 'local/delivery-report', {
      providerMessageId: 'local-nope',
      status: 'delivered',
    });
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('local-nope');
    await t.settle();
    expect((await replyStatus()).status).toBe('sent');
  });

  it('refuses a status a receipt cannot carry, changing nothing', async () => {
    const response = await t.api('POST', 'local/delivery-report', { providerMessageId, status: 'queued' });
    expect(response.status).toBe(400);
    await t.settle();
    expect((await replyStatus()).status).toBe('sent');
  });

  it('moves the reply to delivered', async () => {
    const response = await t.api('POST', 'local/delivery-report', { providerMessageId, status: 'delivered' });
    expect(response.status).toBe(202);
    await t.eventually(async () => (await replyStatus()).status === 'delivered', 'the reply delivered');
  });

  it('never moves it back: a late failure after delivered changes nothing', async () => {
    const response = await t.api('POST', 'local/delivery-report', {
      providerMessageId,
      status: 'failed',
      reason: 'handset off',
    });
    expect(response.status).toBe(202);
    await t.settle();
    expect(await replyStatus()).toMatchObject({ status: 'delivered', failureReason: null });
  });
});
