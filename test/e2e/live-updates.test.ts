import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type LiveClient } from '../contracts/live-updates.contract.js';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';

/**
 * The live stream through the local host: a page negotiates, connects to /api/realtime, and hears
 * about changes made on the queue thread (a customer's text, an assignment) in its own groups.
 */
describe('live updates on the local host', () => {
  let t: TestHost;
  const alice = { user: 'alice' };
  const bob = { user: 'bob' };

  beforeAll(async () => {
    t = await startTestHost(
      {},
      {
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: [SUPPORT],
            provider: 'local',
            defaultQueueId: 'general',
          },
        ],
        queues: [
          { id: 'general', name: 'General' },
          { id: 'vip', name: 'VIP' },
        ],
        agents: [
          { id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] },
          { id: 'bob', name: 'Bob', capacity: 2, queueIds: ['vip'] },
        ],
      },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  async function negotiate(as: { user: string; roles?: string }) {
    const response = await t.api('POST', 'realtime/negotiate', undefined, as);
    expect(response.status).toBe(200);
    return response.body as { url: string; groups: string[] };
  }

  it('hands each person a stream for their own groups only', async () => {
    expect((await negotiate(alice)).groups).toEqual(['agent.alice', 'queue.general', 'phone']);
    expect((await negotiate({ user: 'dana', roles: 'supervisor' })).groups).toEqual(['supervisors', 'phone']);
    expect((await negotiate(alice)).url).toMatch(/^ws:\/\/localhost:\d+\/api\/realtime\?access_token=/);
    expect((await t.api('POST', 'realtime/negotiate', undefined, null)).status).toBe(401);
  });

  it("tells an agent when a customer texts and the conversation is theirs, and never tells another queue's agent", async () => {
    let aliceStream: LiveClient | undefined;
    let bobStream: LiveClient | undefined;
    try {
      aliceStream = await connect((await negotiate(alice)).url);
      bobStream = await connect((await negotiate(bob)).url);
      await t.api('POST', 'local/inbound', { from: '+14255550123', to: SUPPORT, text: 'Where is my order?' });
      const alices = aliceStream;
      const opened = await t.eventually(
        async () => alices.messages.find((m) => m.type === 'conversation.changed' && m.queueId === 'general'),
        'the new conversation on alice stream',
      );
      await t.eventually(
        async () => alices.messages.find((m) => m.type === 'message.added'),
        'the customer message on alice stream',
      );
      await t.eventually(
        async () => alices.messages.find((m) => m.type === 'queue.changed' && m.queueId === 'general'),
        'the queue line change on alice stream',
      );

      await t.api('PUT', 'agents/alice/presence', { presence: 'available' }, alice);
      const assigned = await t.eventually(
        async () =>
          alices.messages.find(
            (m) =>
              m.type === 'conversation.changed' &&
              m.conversationId === opened.conversationId &&
              m.agentId === 'alice',
          ),
        'the assignment on alice stream',
      );
      expect(assigned.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(alices.messages.some((m) => m.type === 'agent.changed' && m.agentId === 'alice')).toBe(true);
      await t.settle();
      expect(
        bobStream.messages.filter((m) => m.conversationId === opened.conversationId || m.agentId === 'alice'),
      ).toEqual([]);
    } finally {
      aliceStream?.close();
      bobStream?.close();
    }
  });

  it('refuses a socket without a valid token', async () => {
    const { url } = await negotiate(alice);
    const bare = new URL(url);
    bare.searchParams.delete('access_token');
    await expect(connect(bare.toString())).rejects.toThrow(/401/);
    bare.searchParams.set('access_token', 'e30.forged');
    await expect(connect(bare.toString())).rejects.toThrow(/401/);
  });
});
