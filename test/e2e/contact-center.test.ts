import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const VIP = '+14255550111';
const JEANNE = '+14255550161';

/**
 * A contact center's day over HTTP, on a configuration an admin would write: VIP customers routed
 * by their contact record to agents with the skill, a pick-mode queue, affinity, every automated
 * message, places in the queue, and a holiday answer, with a controllable clock.
 */
describe('a contact center day', () => {
  let t: TestHost;
  const text = (from: string, body: string) =>
    t.api('POST', 'local/inbound', { from, to: SUPPORT, text: body });
  const outbox = async (to: string) =>
    (
      (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages as { text: string }[]
    ).map((m) => m.text);
  const waitingIn = async (queueId: string) =>
    (await t.api('GET', `queues/${queueId}/conversations`)).body.conversations as {
      id: string;
      customer: string;
    }[];
  const conversationOf = async (customer: string, queueId: string) =>
    t.eventually(
      async () => (await waitingIn(queueId)).find((c) => c.customer === customer),
      `${customer} in ${queueId}`,
    );

  beforeAll(async () => {
    t = await startTestHost(
      {},
      {
        channels: [
          {
            id: 'support',
            name: 'Contoso',
            numbers: [SUPPORT],
            provider: 'local',
            defaultQueueId: 'general',
            affinity: true,
            routing: [
              { when: { contact: { attributes: { tier: 'gold' } } }, queueId: 'vip', skills: ['vip'] },
              { when: { keywords: ['returns'] }, queueId: 'returns' },
            ],
            automatedMessages: {
              queued: { enabled: true },
              agentAssigned: {
                enabled: true,
                text: { en: 'You are talking to {agentName}.', fr: 'Vous parlez avec {agentName}.' },
              },
              transfer: { enabled: true },
              ended: { enabled: true },
              survey: { enabled: true, text: 'Rate us: https://survey.contoso.com/{caseNumber}' },
            },
          },
        ],
        queues: [
          { id: 'general', name: 'General' },
          { id: 'vip', name: 'VIP desk' },
          { id: 'returns', name: 'Returns', distribution: 'pick' },
        ],
        agents: [
          { id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general', 'vip', 'returns'] },
          { id: 'victor', name: 'Victor', capacity: 2, queueIds: ['vip'], skills: ['vip'] },
          { id: 'bob', name: 'Bob', capacity: 2, queueIds: ['general'] },
          { id: 'rita', name: 'Rita', capacity: 1, queueIds: ['returns'] },
        ],
      },
    );
    await t.api('PUT', `manage/contacts/${encodeURIComponent(VIP)}`, {
      name: 'Gordon',
      attributes: { tier: 'gold' },
    });
    await t.api('PUT', `manage/contacts/${encodeURIComponent(JEANNE)}`, { name: 'Jeanne', language: 'fr' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('tells waiting customers their place in the queue while nobody is online', async () => {
    for (const n of [51, 52, 53]) {
      await text(`+142555501${n}`, 'Hello');
      await t.api('POST', 'local/clock', { advanceMinutes: 0.05 });
    }
    await t.eventually(async () => (await outbox('+14255550153')).length === 1, 'places told');
    expect(await outbox('+14255550151')).toEqual([
      'You are number 1 in the queue. An agent will be with you as soon as possible.',
    ]);
    expect(await outbox('+14255550153')).toEqual([
      'You are number 3 in the queue. An agent will be with you as soon as possible.',
    ]);
  });

  it('routes a gold contact to the VIP desk, given only to an agent with the skill, introduced in their language', async () => {
    await text(VIP, 'My order is late');
    const vip = await conversationOf(VIP, 'vip');
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.api('PUT', 'agents/victor/presence', { presence: 'available' });
    await t.eventually(
      async () => (await t.api('GET', `conversations/${vip.id}`)).body.conversation.agentId === 'victor',
      'the VIP conversation with victor',
    );
    await t.eventually(
      async () => (await outbox(VIP)).includes('You are talking to Victor.'),
      'the introduction',
    );
  });

  it('leaves a pick-mode queue to its agents, who take from it', async () => {
    await t.api('PUT', 'agents/rita/presence', { presence: 'available' });
    await text('+14255550154', 'About returns');
    const waiting = await conversationOf('+14255550154', 'returns');
    await t.settle();
    // Rita is available with room, yet nothing is pushed to her: the queue is in pick mode.
    expect((await waitingIn('returns')).map((c) => c.id)).toEqual([waiting.id]);
    expect((await t.api('POST', `conversations/${waiting.id}/pick`, {}, { user: 'bob' })).status).toBe(403);
    const picked = await t.api('POST', `conversations/${waiting.id}/pick`, {}, { user: 'rita' });
    expect(picked.body.conversation).toMatchObject({ state: 'active', agentId: 'rita' });
  });

  it('says where a transfer goes, and goodbye with the survey link once the agent is done, in the customer language', async () => {
    const jeanne = await (async () => {
      await text(JEANNE, 'Bonjour');
      return conversationOf(JEANNE, 'general');
    })();
    await t.api('PUT', 'agents/bob/presence', { presence: 'available' });
    await t.eventually(
      async () => (await t.api('GET', `conversations/${jeanne.id}`)).body.conversation.state === 'active',
      'jeanne assigned',
    );
    const holder = (await t.api('GET', `conversations/${jeanne.id}`)).body.conversation.agentId;
    expect(
      (await t.api('POST', `conversations/${jeanne.id}/transfer`, { agentId: holder, toQueueId: 'vip' }))
        .status,
    ).toBe(200);
    await t.eventually(
      async () =>
        (await outbox(JEANNE)).includes(
          'Nous transférons votre conversation à l’équipe VIP desk. Merci de votre patience.',
        ),
      'transfer',
    );
    await t.eventually(
      async () => (await t.api('GET', `conversations/${jeanne.id}`)).body.conversation.agentId === 'victor',
      'jeanne with victor',
    );
    await t.api('POST', `conversations/${jeanne.id}/end`, { agentId: 'victor' });
    await t.api('POST', `conversations/${jeanne.id}/close`, { agentId: 'victor' });
    const caseNumber = (await t.api('GET', `conversations/${jeanne.id}`)).body.conversation.caseNumber;
    await t.eventually(
      async () => (await outbox(JEANNE)).includes(`Rate us: https://survey.contoso.com/${caseNumber}`),
      'survey',
    );
    const said = await outbox(JEANNE);
    expect(said).toContain('Vous parlez avec Victor.');
    // Jeanne's contact says French: the default texts speak it too.
    expect(said.filter((m) => m.startsWith('Cette conversation est terminée.'))).toHaveLength(1);
    expect(said.some((m) => /conversation has ended|passing your conversation/.test(m))).toBe(false);
  });

  it('answers on a holiday with its name, and keeps the conversation for the opening', async () => {
    const now = new Date((await t.api('GET', 'local/clock')).body.now);
    const today = now.toISOString().slice(0, 10);
    const always = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '24:00' }]]),
    );
    await t.api('PUT', 'manage/channels/support/hours', {
      timeZone: 'UTC',
      weekly: always,
      holidays: [{ date: today, name: 'Founders Day' }],
    });
    await text('+14255550155', 'Are you open?');
    await t.eventually(
      async () =>
        (await outbox('+14255550155')).some((m) =>
          m.startsWith('Contoso is closed today (Founders Day). We open again'),
        ),
      'the holiday answer',
    );
    expect((await waitingIn('general')).some((c) => c.customer === '+14255550155')).toBe(true);
  });
});

describe('agent affinity over HTTP', () => {
  let t: TestHost;
  const RETURNING = '+14255550170';
  const conversationAt = (agentId: string) =>
    t.eventually(async () => {
      const { body } = await t.api('GET', `agents/${agentId}/conversations`);
      return body.conversations.find(
        (c: { customer: string; state: string }) => c.customer === RETURNING && c.state === 'active',
      );
    }, `the customer at ${agentId}`);

  beforeAll(async () => {
    t = await startTestHost(
      {},
      {
        channels: [
          {
            id: 'support',
            name: 'Contoso',
            numbers: [SUPPORT],
            provider: 'local',
            defaultQueueId: 'general',
            affinity: true,
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [
          { id: 'alice', name: 'Alice', capacity: 5, queueIds: ['general'] },
          { id: 'bob', name: 'Bob', capacity: 5, queueIds: ['general'] },
        ],
      },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  it('gives a returning customer back to the agent who last served them, over the least loaded', async () => {
    await t.api('PUT', 'agents/bob/presence', { presence: 'available' });
    await t.api('POST', 'local/inbound', { from: RETURNING, to: SUPPORT, text: 'First visit' });
    const first = await conversationAt('bob');
    await t.api('POST', `conversations/${first.id}/close`, { agentId: 'bob' });
    // Both free now; by load and id alone Alice would get the next one.
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.api('POST', 'local/inbound', { from: RETURNING, to: SUPPORT, text: 'Back again' });
    const second = await conversationAt('bob');
    expect(second.id).not.toBe(first.id);
  });
});
