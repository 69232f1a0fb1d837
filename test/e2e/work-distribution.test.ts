import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';

/** Set aside, transfer and pick over HTTP, against the seed's agents (alice 2, bob 1, both in general). */
describe('distributing work over HTTP', () => {
  let t: TestHost;
  const text = (from: string, body: string) =>
    t.api('POST', 'local/inbound', { from, to: SUPPORT, text: body });
  const conversationsOf = async (agentId: string) =>
    (await t.api('GET', `agents/${agentId}/conversations`)).body.conversations;
  const queued = async () => (await t.api('GET', 'queues/general/conversations')).body.conversations;

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lets an agent pick from the queue, set aside, and get the conversation back when the customer writes', async () => {
    await t.api('PUT', 'agents/bob/presence', { presence: 'busy' });
    await text('+14255550123', 'My card was declined');
    const [waiting] = await t.eventually(async () => (await queued()).length === 1 && queued(), 'the queue');
    const busy = await t.api('POST', `conversations/${waiting.id}/pick`, { agentId: 'bob' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe('agent bob is not available or has no free capacity');
    await t.api('PUT', 'agents/bob/presence', { presence: 'available' });
    await t.settle();
    const mine = await conversationsOf('bob');
    expect(mine.map((c: { id: string }) => c.id)).toEqual([waiting.id]);

    const aside = await t.api('POST', `conversations/${waiting.id}/set-aside`, { agentId: 'bob' });
    expect(aside.body.conversation.state).toBe('waiting');
    await text('+14255550123', 'Any news?');
    await t.eventually(
      async () => (await t.api('GET', `conversations/${waiting.id}`)).body.conversation.state === 'active',
      'the conversation back with bob',
    );
  });

  it('transfers a conversation to another agent, and refuses a transfer the target cannot take', async () => {
    const [held] = await conversationsOf('bob');
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    const moved = await t.api('POST', `conversations/${held.id}/transfer`, {
      agentId: 'bob',
      toAgentId: 'alice',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ state: 'active', agentId: 'alice' });
    const back = await t.api('POST', `conversations/${held.id}/transfer`, {
      agentId: 'alice',
      toAgentId: 'nobody',
    });
    expect(back.status).toBe(404);
    const both = await t.api('POST', `conversations/${held.id}/transfer`, {
      agentId: 'alice',
      toAgentId: 'bob',
      toQueueId: 'general',
    });
    expect(both.status).toBe(400);
  });
});
