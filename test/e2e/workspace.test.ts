import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const BILLING = '+14255550111';

/**
 * The workspace's reads over HTTP, with the development sign-in: Alice works general, Bob billing,
 * Dana supervises. Ann texts the support number (general), Ben the billing number (billing).
 */
describe('the workspace over HTTP', () => {
  let t: TestHost;
  const alice = { user: 'alice' };
  const bob = { user: 'bob' };
  const dana = { user: 'dana', roles: 'supervisor' };
  let ann = '';
  let ben = '';

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
          {
            id: 'billing',
            name: 'Billing',
            numbers: [BILLING],
            provider: 'local',
            defaultQueueId: 'billing',
          },
          {
            id: 'notices',
            name: 'Notices',
            numbers: ['+14255550122'],
            provider: 'local',
            defaultQueueId: 'general',
            agentInitiated: { enabled: false },
          },
        ],
        queues: [
          { id: 'general', name: 'General', serviceLevelSeconds: 30 },
          { id: 'billing', name: 'Billing', distribution: 'pick' },
        ],
        agents: [
          { id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] },
          { id: 'bob', name: 'Bob', capacity: 2, queueIds: ['billing'] },
        ],
      },
    );
    await t.api('POST', 'local/inbound', { from: '+14255550123', to: SUPPORT, text: 'Where is my order?' });
    await t.api('POST', 'local/inbound', { from: '+14255550124', to: BILLING, text: 'My bill is wrong' });
    const all = await t.eventually(async () => {
      const { body } = await t.api('GET', 'conversations', undefined, dana);
      return body.conversations?.length === 2 && body.conversations;
    }, 'both conversations');
    ann = all.find((c: { queueId: string }) => c.queueId === 'general').id;
    ben = all.find((c: { queueId: string }) => c.queueId === 'billing').id;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('says who is signed in, and offers the picker its people only with the development sign-in', async () => {
    const me = await t.api('GET', 'me', undefined, alice);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: 'alice',
      roles: ['agent'],
      agent: { id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] },
      devSignIn: true,
      embedded: true,
    });
    expect((await t.api('GET', 'me', undefined, dana)).body).toMatchObject({ roles: ['supervisor'] });
    expect((await t.api('GET', 'me', undefined, null)).status).toBe(401);
    const people = await t.api('GET', 'me/people', undefined, null);
    expect(people.body.people).toEqual([
      { user: 'alice', name: 'Alice', roles: ['agent'] },
      { user: 'bob', name: 'Bob', roles: ['agent'] },
    ]);
  });

  it("never shows an agent another queue's conversations; a supervisor sees them all", async () => {
    const ids = (body: { conversations: { id: string }[] }) => body.conversations.map((c) => c.id);
    expect(ids((await t.api('GET', 'conversations', undefined, alice)).body)).toEqual([ann]);
    expect(ids((await t.api('GET', 'conversations', undefined, bob)).body)).toEqual([ben]);
    expect(ids((await t.api('GET', 'conversations', undefined, dana)).body).sort()).toEqual(
      [ann, ben].sort(),
    );
    expect((await t.api('GET', 'conversations?queueId=billing', undefined, alice)).status).toBe(403);
    expect((await t.api('GET', `conversations/${ben}`, undefined, alice)).status).toBe(403);
    expect((await t.api('GET', 'conversations?state=closed', undefined, dana)).status).toBe(400);
  });

  it('lists queues and agents as far as the caller may see', async () => {
    const queues = (await t.api('GET', 'queues', undefined, alice)).body.queues;
    expect(queues).toEqual([
      expect.objectContaining({ id: 'general', distribution: 'push', waiting: 1, serviceLevelSeconds: 30 }),
    ]);
    const all = (await t.api('GET', 'queues', undefined, dana)).body.queues;
    expect(all.map((q: { id: string }) => q.id)).toEqual(['general', 'billing']);
    expect(
      (await t.api('GET', 'agents', undefined, bob)).body.agents.map((a: { id: string }) => a.id),
    ).toEqual(['bob']);
    expect((await t.api('GET', 'agents', undefined, dana)).body.agents).toHaveLength(2);
  });

  it('opens a conversation with its customer panel, and keeps the unread count per agent', async () => {
    const opened = await t.api('GET', `conversations/${ann}`, undefined, alice);
    expect(opened.body.customer).toEqual({ number: '+14255550123', language: 'en', optedOut: false });
    expect(opened.body.history).toEqual([]);
    expect((await t.api('GET', 'conversations', undefined, alice)).body.conversations[0]).toMatchObject({
      unread: 1,
      lastMessage: { text: 'Where is my order?', author: 'customer' },
    });
    expect((await t.api('POST', `conversations/${ann}/read`, {}, alice)).status).toBe(204);
    expect((await t.api('GET', 'conversations', undefined, alice)).body.conversations[0].unread).toBe(0);
    expect((await t.api('POST', `conversations/${ann}/read`, { seq: 'x' }, alice)).status).toBe(400);
  });

  it("serves the day's figures to supervisors, not to agents", async () => {
    expect((await t.api('GET', 'figures', undefined, alice)).status).toBe(403);
    const figures = await t.api('GET', 'figures', undefined, dana);
    expect(figures.status).toBe(200);
    expect(figures.body.queues.find((q: { queueId: string }) => q.queueId === 'general')).toMatchObject({
      received: 1,
      serviceLevel: { targetSeconds: 30 },
    });
    expect((await t.api('GET', 'figures?date=yesterday', undefined, dana)).status).toBe(400);
  });

  it("shows a contact's consent per channel, with when and how it changed", async () => {
    await t.api('PUT', 'manage/contacts/%2B14255550124', { name: 'Ben' });
    await t.api('POST', 'local/inbound', { from: '+14255550124', to: BILLING, text: 'STOP' });
    const consent = await t.eventually(async () => {
      const { body } = await t.api('GET', 'manage/contacts/%2B14255550124');
      return body.consent?.[0]?.optedOut === true && body.consent;
    }, 'the opt-out');
    expect(consent).toEqual([
      { channelId: 'billing', optedOut: true, changedAt: expect.any(String), changedVia: 'keyword STOP' },
    ]);
  });
  it('offers each agent the channels they may text a customer first on, with their numbers', async () => {
    const support = {
      id: 'support',
      name: 'Support',
      numbers: [SUPPORT],
      queueId: 'general',
      onlyWhenOpen: false,
      openNow: true,
    };
    const billing = { ...support, id: 'billing', name: 'Billing', numbers: [BILLING], queueId: 'billing' };
    // Notices does not let agents start conversations: nobody is offered it.
    expect((await t.api('GET', 'channels', undefined, alice)).body).toEqual({ channels: [support] });
    expect((await t.api('GET', 'channels', undefined, bob)).body).toEqual({ channels: [billing] });
    expect((await t.api('GET', 'channels', undefined, dana)).body).toEqual({ channels: [billing, support] });
    expect((await t.api('GET', 'channels', undefined, null)).status).toBe(401);
  });

  it('lets a supervisor reassign a queued conversation to another queue, then to an agent with room', async () => {
    const reassign = (body: unknown, who: typeof dana | typeof alice = dana) =>
      t.api('POST', `conversations/${ann}/reassign`, body, who);
    expect((await reassign({ toQueueId: 'billing' }, alice)).status).toBe(403);
    expect((await reassign({ toQueueId: 'billing', toAgentId: 'bob' })).status).toBe(400);
    expect((await reassign({ toQueueId: 'nowhere' })).status).toBe(404);
    expect((await reassign({ toQueueId: 'general' })).body.error.message).toContain(
      'already waiting in queue general',
    );

    const moved = await reassign({ toQueueId: 'billing' });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ state: 'open', queueId: 'billing', agentId: null });
    // Billing is a pick queue: it waits there for Bob, who is not available yet.
    expect((await reassign({ toAgentId: 'bob' })).status).toBe(409);
    await t.api('PUT', 'agents/bob/presence', { presence: 'available' }, bob);
    const given = await reassign({ toAgentId: 'bob' });
    expect(given.status).toBe(200);
    expect(given.body.conversation).toMatchObject({ state: 'active', agentId: 'bob' });
    expect(given.body.conversation.history.at(-1)).toMatchObject({ by: 'supervisor:dana' });
    const bobs = (await t.api('GET', 'agents/bob/conversations', undefined, bob)).body.conversations;
    expect(bobs.map((c: { id: string }) => c.id)).toContain(ann);
  });

  it("shows a picture texted through the local provider as the message's media, with no words", async () => {
    const picture = { url: 'https://media.example.net/parcel.jpg', contentType: 'image/jpeg' };
    const refused = await t.api('POST', 'local/inbound', {
      from: '+14255550126',
      to: SUPPORT,
      text: '',
      media: [{ url: 'not a link', contentType: 'image/jpeg' }],
    });
    expect(refused.status).toBe(400);
    const sent = await t.api('POST', 'local/inbound', {
      from: '+14255550126',
      to: SUPPORT,
      text: '',
      media: [picture],
    });
    expect(sent.status).toBe(202);
    const conversation = await t.eventually(async () => {
      const { body } = await t.api('GET', 'conversations', undefined, dana);
      return body.conversations.find((c: { customer: string }) => c.customer === '+14255550126');
    }, 'the picture to open a conversation');
    const { body } = await t.api('GET', `conversations/${conversation.id}`, undefined, dana);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({ direction: 'inbound', text: '', media: [picture] });
  });
});
