import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';

/**
 * Roles over HTTP, with the development sign-in of the embedded default: agents act as themselves
 * and see their own queues, supervisors oversee, admin endpoints are for admins.
 */
describe('who may do what', () => {
  let t: TestHost;
  let conversationId = '';
  const alice = { user: 'alice' };
  const bob = { user: 'bob' };
  const dana = { user: 'dana', roles: 'supervisor' };

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
    await t.api('POST', 'local/inbound', { from: '+14255550123', to: SUPPORT, text: 'Hello' });
    const [queued] = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/general/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation');
    conversationId = queued.id;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuses a caller who did not sign in, saying how to', async () => {
    const response = await t.api('GET', 'queues/general/conversations', undefined, null);
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual({
      code: 'unauthorized',
      message: 'sign in: send x-sms-user (and x-sms-roles), the development sign-in',
    });
  });

  it('lets an agent see their own queue, not another', async () => {
    expect((await t.api('GET', 'queues/general/conversations', undefined, alice)).status).toBe(200);
    const other = await t.api('GET', 'queues/vip/conversations', undefined, alice);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe('agent alice is not a member of queue vip');
    expect((await t.api('GET', `conversations/${conversationId}`, undefined, bob)).status).toBe(403);
    expect((await t.api('GET', `conversations/${conversationId}`, undefined, alice)).status).toBe(200);
  });

  it('lets an agent act as themselves only', async () => {
    expect((await t.api('PUT', 'agents/alice/presence', { presence: 'available' }, alice)).status).toBe(200);
    const forBob = await t.api('PUT', 'agents/bob/presence', { presence: 'available' }, alice);
    expect(forBob.status).toBe(403);
    expect(forBob.body.error.message).toBe('you are agent alice; you cannot act as bob');
    await t.eventually(
      async () =>
        (await t.api('GET', 'agents/alice/conversations', undefined, alice)).body.conversations?.length === 1,
      'the conversation at alice',
    );
    const reply = await t.api(
      'POST',
      `conversations/${conversationId}/messages`,
      { text: 'Hi, Alice here' },
      alice,
    );
    expect(reply.status).toBe(202);
    expect(reply.body.message.author).toEqual({ kind: 'agent', agentId: 'alice' });
  });

  it('lets a supervisor see every queue and act for a named agent', async () => {
    expect((await t.api('GET', 'queues/vip/conversations', undefined, dana)).status).toBe(200);
    expect(
      (await t.api('GET', 'agents/alice/conversations', undefined, dana)).body.conversations,
    ).toHaveLength(1);
    const unnamed = await t.api('POST', `conversations/${conversationId}/end`, {}, dana);
    expect(unnamed.status).toBe(400);
    const ended = await t.api('POST', `conversations/${conversationId}/end`, { agentId: 'alice' }, dana);
    expect(ended.body.conversation.state).toBe('wrap-up');
  });

  it('keeps admin endpoints for admins, and the notifications API for notifiers, supervisors and admins', async () => {
    const credentials = await t.api('GET', 'manage/channels/support/credentials', undefined, dana);
    expect(credentials.status).toBe(403);
    expect(credentials.body.error.message).toBe('this needs the admin role; dana has supervisor');
    expect((await t.api('GET', 'manage/channels/support/credentials')).status).toBe(200);
    const notify = { channelId: 'support', to: '+14255550124', text: 'Your parcel ships today' };
    expect((await t.api('POST', 'notifications', notify, alice)).status).toBe(403);
    expect((await t.api('POST', 'notifications', notify, { user: 'flow', roles: 'notifier' })).status).toBe(
      202,
    );
  });

  it('refuses roles it does not know, and a sign-in that is no agent where one is needed', async () => {
    const unknown = await t.api('GET', 'queues/general/conversations', undefined, {
      user: 'eve',
      roles: 'root',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'x-sms-roles names unknown roles: root (known: agent, supervisor, admin, notifier)',
    );
    const noAgent = await t.api('GET', 'queues/general/conversations', undefined, {
      user: 'eve',
      roles: 'agent',
    });
    expect(noAgent.status).toBe(403);
    expect(noAgent.body.error.message).toBe("eve signs in as no agent (an admin sets the agent's userId)");
  });
});
