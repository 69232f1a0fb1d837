import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import { Directory } from '../../shared/domain/directory.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, replyToCustomer, setPresence } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import {
  consentByChannel,
  listAgentViews,
  listAgentWork,
  listOngoing,
  listQueueViews,
  markRead,
  openConversationView,
  parseStates,
  signInPeople,
  whoAmI,
} from '../../shared/use-cases/workspace.js';
import { aConversation, aCustomerState, aMessage, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';
import { thrownValidation } from '../support/thrown.js';

const agent = (id: string): Principal => ({
  kind: 'user',
  userId: id,
  name: id,
  roles: ['agent'],
  agentId: id,
});
const supervisor: Principal = {
  kind: 'user',
  userId: 'dana',
  name: 'Dana',
  roles: ['supervisor'],
  agentId: null,
};

/** Alice works general, Bob billing; Ann texts general, Ben's conversation goes to billing. */
/** The customer's `count` earlier conversations, closed, old-00 the oldest (1 November). */
async function closedHistory(h: ReturnType<typeof coreHarness>, count: number) {
  for (let n = 0; n < count; n += 1) {
    const day = `2026-11-${String(n + 1).padStart(2, '0')}`;
    await h.store.createConversation(
      aConversation({
        id: `old-${String(n).padStart(2, '0')}`,
        state: 'closed',
        createdAt: `${day}T09:00:00.000Z`,
        closedAt: `${day}T10:00:00.000Z`,
      }),
    );
  }
}

async function floor() {
  const h = coreHarness();
  await h.addAgent({ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'], presence: 'offline' });
  await h.addAgent({ id: 'bob', name: 'Bob', capacity: 1, queueIds: ['billing'], presence: 'offline' });
  const texts = async (from: string, text: string) => {
    const outcome = await receiveInbound(h.deps, h.sms({ from, text }));
    if (outcome.status !== 'stored') throw new Error('not stored');
    return outcome.conversationId;
  };
  const ann = await texts('+14255550101', 'Where is my order?');
  h.clock.advance(60_000);
  const ben = await texts('+14255550102', 'My bill is wrong');
  const stored = await h.store.getConversation(ben);
  if (!stored) throw new Error('no conversation');
  await h.store.replaceConversation({ ...stored.value, queueId: 'billing' }, stored.etag);
  return { h, ann, ben, texts };
}

describe('the workspace reads', () => {
  it('shows each queue its line and longest wait; an agent sees only their own queues', async () => {
    const { h } = await floor();
    h.clock.advance(30_000);
    expect(await listQueueViews(h.deps, supervisor)).toEqual([
      {
        id: 'general',
        name: 'General',
        distribution: 'push',
        waiting: 1,
        longestWaitSeconds: 90,
        wrapUp: { codes: [], required: false },
      },
      {
        id: 'billing',
        name: 'Billing',
        distribution: 'push',
        waiting: 1,
        longestWaitSeconds: 30,
        wrapUp: { codes: [], required: false },
      },
    ]);
    expect((await listQueueViews(h.deps, agent('alice'))).map((q) => q.id)).toEqual(['general']);
  });

  it('shows an agent the members of their queues, and a supervisor everyone, with load against capacity', async () => {
    const { h, ann } = await floor();
    await setPresence(h.deps, 'alice', 'available');
    await assignQueue(h.deps, 'general');
    expect(await listAgentViews(h.deps, agent('alice'))).toEqual([
      {
        id: 'alice',
        name: 'Alice',
        presence: 'available',
        capacity: 2,
        load: 1,
        queueIds: ['general'],
        skills: [],
      },
    ]);
    expect((await listAgentViews(h.deps, supervisor)).map((a) => a.id).sort()).toEqual(['alice', 'bob']);
    expect((await h.store.getConversation(ann))?.value.agentId).toBe('alice');
  });

  it("lists an agent's queues' ongoing conversations, never another queue's; a supervisor sees all", async () => {
    const { h, ann, ben } = await floor();
    expect((await listOngoing(h.deps, agent('alice'), {})).map((c) => c.id)).toEqual([ann]);
    expect((await listOngoing(h.deps, agent('bob'), {})).map((c) => c.id)).toEqual([ben]);
    expect((await listOngoing(h.deps, supervisor, {})).map((c) => c.id)).toEqual([ann, ben]);
    expect((await listOngoing(h.deps, supervisor, { queueId: 'billing' })).map((c) => c.id)).toEqual([ben]);
    await expect(listOngoing(h.deps, agent('alice'), { queueId: 'billing' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('summarizes each conversation with its last message, who wrote it, and what the reader has not read', async () => {
    const { h, ann } = await floor();
    await setPresence(h.deps, 'alice', 'available');
    await assignQueue(h.deps, 'general');
    await receiveInbound(h.deps, h.sms({ from: '+14255550101', text: 'Hello?' }));
    const [before] = await listOngoing(h.deps, agent('alice'), { states: ['active'] });
    expect(before).toMatchObject({
      id: ann,
      state: 'active',
      agentId: 'alice',
      customer: '+14255550101',
      lastMessage: { text: 'Hello?', direction: 'inbound', author: 'customer' },
      unread: 2,
    });
    expect(before?.assignedAt).toBeDefined();

    await markRead(h.deps, agent('alice'), ann, 1);
    expect((await listOngoing(h.deps, agent('alice'), {}))[0]?.unread).toBe(1);
    await replyToCustomer(h.deps, { conversationId: ann, agentId: 'alice', text: 'Looking now' });
    await markRead(h.deps, agent('alice'), ann, undefined);
    const [after] = await listOngoing(h.deps, agent('alice'), {});
    expect(after).toMatchObject({ unread: 0, lastMessage: { text: 'Looking now', author: 'agent' } });
    expect(after?.firstAgentReplyAt).toBeDefined();
    await expect(markRead(h.deps, agent('alice'), ann, 99)).rejects.toBeInstanceOf(ValidationError);
  });

  it('takes only the states of ongoing conversations as a filter', () => {
    expect(parseStates('open, waiting')).toEqual(['open', 'waiting']);
    expect(parseStates(null)).toBeUndefined();
    expect(() => parseStates('closed')).toThrow(ValidationError);
  });
});

describe('a conversation as an agent opens it', () => {
  it("shows the customer's contact, language and consent, and their earlier conversations with case numbers", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 2 });
    await h.store.putContact(
      {
        number: CUSTOMER,
        name: 'Ann Lee',
        language: 'fr',
        attributes: {},
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
      },
      null,
    );
    const first = await receiveInbound(h.deps, h.sms({ text: 'First problem' }));
    if (first.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    h.clock.advance(60_000);
    await closeByAgent(h.deps, { conversationId: first.conversationId, agentId: 'alice' });
    h.clock.advance(60_000);
    const second = await receiveInbound(h.deps, h.sms({ text: 'Second problem' }));
    if (second.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');

    const view = await openConversationView(h.deps, agent('alice'), second.conversationId);
    expect(view.customer).toEqual({ number: CUSTOMER, name: 'Ann Lee', language: 'fr', optedOut: false });
    expect(view.history).toEqual([
      expect.objectContaining({
        id: first.conversationId,
        state: 'closed',
        caseNumber: expect.stringMatching(/^C[0-9A-F]{8}$/),
        createdAt: '2026-11-23T09:00:00.000Z',
        closedAt: '2026-11-23T09:01:00.000Z',
      }),
    ]);
    expect(view.messages.map((m) => m.text)).toContain('Second problem');
    // The test channel sends through the local provider, which sends SMS only.
    expect(view.channel).toEqual({ id: 'support', name: expect.any(String), sendsMedia: false });

    h.clock.advance(60_000);
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    const after = await openConversationView(h.deps, agent('alice'), second.conversationId);
    expect(after.customer).toMatchObject({
      optedOut: true,
      consentChangedAt: '2026-11-23T09:03:00.000Z',
      consentChangedVia: 'keyword STOP',
    });
    expect(await consentByChannel(h.deps, CUSTOMER)).toEqual([
      {
        channelId: 'support',
        optedOut: true,
        changedAt: '2026-11-23T09:03:00.000Z',
        changedVia: 'keyword STOP',
      },
    ]);
  });

  it('refuses an agent from another queue; a supervisor may look', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'bob', queueIds: ['billing'] });
    const first = await receiveInbound(h.deps, h.sms());
    if (first.status !== 'stored') throw new Error('not stored');
    await expect(openConversationView(h.deps, agent('bob'), first.conversationId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await openConversationView(h.deps, supervisor, first.conversationId)).conversation.id).toBe(
      first.conversationId,
    );
  });
});

const admin: Principal = { kind: 'user', userId: 'root', name: 'Root', roles: ['admin'], agentId: null };

describe('who is signed in', () => {
  it('names an agent by their record, with their load, and anyone else by their sign-in', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', name: 'Alice Martin', queueIds: ['general'], skills: ['french'] });
    expect(await whoAmI(h.deps, { ...agent('alice'), name: 'alice@contoso.com' })).toEqual({
      user: 'alice',
      name: 'Alice Martin',
      roles: ['agent'],
      agent: {
        id: 'alice',
        name: 'Alice Martin',
        presence: 'available',
        capacity: 2,
        load: 0,
        queueIds: ['general'],
        skills: ['french'],
      },
    });
    expect(await whoAmI(h.deps, supervisor)).toEqual({ user: 'dana', name: 'Dana', roles: ['supervisor'] });
    expect(await whoAmI(h.deps, agent('zoe'))).toEqual({ user: 'zoe', name: 'zoe', roles: ['agent'] });
  });

  it('offers every agent to the development sign-in, by name, signing in by their user id', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'zed', name: 'Zed' });
    await h.addAgent({ id: 'amy', name: 'Amy', userId: 'amy@contoso.com' });
    expect(await signInPeople(h.deps)).toEqual([
      { user: 'amy@contoso.com', name: 'Amy', roles: ['agent'] },
      { user: 'zed', name: 'Zed', roles: ['agent'] },
    ]);
  });

  it('refuses an agent whose record does not exist, naming them', async () => {
    const h = coreHarness();
    await expect(listQueueViews(h.deps, agent('ghost'))).rejects.toThrow(
      new NotFoundError('agent ghost does not exist'),
    );
    await expect(listAgentViews(h.deps, agent('ghost'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(listOngoing(h.deps, agent('ghost'), {})).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("an agent's team and queues", () => {
  it('lists the members of all their queues once each, by id', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'mia', queueIds: ['general', 'billing'] });
    await h.addAgent({ id: 'cy', queueIds: ['billing'] });
    await h.addAgent({ id: 'lou', queueIds: ['general', 'billing'] });
    await h.addAgent({ id: 'out', queueIds: [] });
    expect((await listAgentViews(h.deps, agent('mia'))).map((a) => a.id)).toEqual(['cy', 'lou', 'mia']);
    expect((await listAgentViews(h.deps, admin)).map((a) => a.id).sort()).toEqual([
      'cy',
      'lou',
      'mia',
      'out',
    ]);
  });

  it('shows a queue its service level target and wrap-up codes when it has them, and no wait with no line', async () => {
    const h = coreHarness();
    h.deps.directory = new Directory(testSeed.channels, [
      {
        id: 'general',
        name: 'General',
        distribution: 'pick',
        serviceLevelSeconds: 60,
        wrapUp: { codes: [{ code: 'resolved', label: 'Resolved' }], required: true },
      },
    ]);
    expect(await listQueueViews(h.deps, supervisor)).toEqual([
      {
        id: 'general',
        name: 'General',
        distribution: 'pick',
        waiting: 0,
        longestWaitSeconds: 0,
        serviceLevelSeconds: 60,
        wrapUp: { codes: [{ code: 'resolved', label: 'Resolved' }], required: true },
      },
    ]);
  });

  it('measures the longest wait from the oldest conversation in the line, whatever order the store gives', async () => {
    const h = coreHarness();
    // Each waits since it was opened: 1, 10 and 5 minutes before now (09:00).
    for (const [id, at] of [
      ['c-new', '2026-11-23T08:59:00.000Z'],
      ['c-old', '2026-11-23T08:50:00.000Z'],
      ['c-mid', '2026-11-23T08:55:00.000Z'],
    ] as const) {
      await h.store.createConversation({
        ...aConversation({ id, createdAt: at }),
        history: [{ from: null, to: 'open', at, by: 'customer', reason: 'first message' }],
      });
    }
    const [general] = await listQueueViews(h.deps, supervisor);
    expect(general).toMatchObject({ waiting: 3, longestWaitSeconds: 600 });
  });
});

describe('ongoing conversations for an agent', () => {
  it('include one they hold in another queue, oldest first, ties by id', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    const at = '2026-11-23T08:00:00.000Z';
    await h.store.createConversation(aConversation({ id: 'c-2', createdAt: at }));
    await h.store.createConversation(
      aConversation({ id: 'c-1', createdAt: at, queueId: 'billing', state: 'active', agentId: 'alice' }),
    );
    await h.store.createConversation(aConversation({ id: 'c-0', createdAt: '2026-11-23T08:30:00.000Z' }));
    await h.store.createConversation(aConversation({ id: 'c-b', createdAt: at, queueId: 'billing' }));
    expect((await listOngoing(h.deps, agent('alice'), {})).map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-0']);
    expect(
      (await listOngoing(h.deps, agent('alice'), { agentId: 'alice', states: ['active'] })).map((c) => c.id),
    ).toEqual(['c-1']);
    expect((await listOngoing(h.deps, agent('alice'), { agentId: 'bob' })).map((c) => c.id)).toEqual([]);
    expect((await listOngoing(h.deps, supervisor, { agentId: 'alice' })).map((c) => c.id)).toEqual(['c-1']);
    expect((await listOngoing(h.deps, supervisor, { states: ['active'] })).map((c) => c.id)).toEqual(['c-1']);
  });

  it("lists an agent's own work, counting unread for the one reading, and is not found for an unknown agent", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    await h.store.createConversation(
      aConversation({ id: 'c-7', state: 'waiting', agentId: 'alice', lastSeq: 2, readUpTo: { alice: 1 } }),
    );
    await h.store.createMessage(aMessage({ id: 'm-1', conversationId: 'c-7', seq: 1 }));
    await h.store.createMessage(aMessage({ id: 'm-2', conversationId: 'c-7', seq: 2 }));
    await h.store.createConversation(aConversation({ id: 'c-8', state: 'closed', agentId: 'alice' }));
    expect((await listAgentWork(h.deps, supervisor, 'alice')).map((c) => [c.id, c.unread])).toEqual([
      ['c-7', 1],
    ]);
    expect((await listAgentWork(h.deps, agent('bob'), 'alice')).map((c) => [c.id, c.unread])).toEqual([
      ['c-7', 2],
    ]);
    await expect(listAgentWork(h.deps, supervisor, 'ghost')).rejects.toThrow(
      new NotFoundError('agent ghost does not exist'),
    );
  });

  it('names the states it does not take', () => {
    expect(parseStates('  ')).toBeUndefined();
    expect(() => parseStates('open,closed,lost')).toThrow(
      'state takes open, active, waiting, wrap-up; not closed, lost',
    );
    const refusal = (() => {
      try {
        return parseStates('closed');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toMatchObject({ issues: [{ path: 'state', message: 'unknown or closed state closed' }] });
    expect(thrownValidation(() => parseStates('lost,closed')).issues).toEqual([
      { path: 'state', message: 'unknown or closed state lost, closed' },
    ]);
  });
});

describe('reading a conversation', () => {
  it("moves only the reader's marker forward, never back, and not for a supervisor", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    await h.store.createConversation(
      aConversation({ id: 'c-9', state: 'active', agentId: 'alice', lastSeq: 5, readUpTo: { bob: 2 } }),
    );
    await markRead(h.deps, agent('alice'), 'c-9', 4);
    await markRead(h.deps, agent('alice'), 'c-9', 3);
    await markRead(h.deps, supervisor, 'c-9', 5);
    expect((await h.store.getConversation('c-9'))?.value.readUpTo).toEqual({ bob: 2, alice: 4 });
    await markRead(h.deps, agent('alice'), 'c-9', undefined);
    expect((await h.store.getConversation('c-9'))?.value.readUpTo).toEqual({ bob: 2, alice: 5 });
    await markRead(h.deps, agent('alice'), 'c-9', 5);
    await expect(markRead(h.deps, agent('alice'), 'c-9', 6)).rejects.toMatchObject({
      message: "seq 6 is past the conversation's last message (5)",
      issues: [{ path: 'seq', message: 'at most 5' }],
    });
    await expect(markRead(h.deps, agent('alice'), 'c-none', 1)).rejects.toThrow(
      new NotFoundError('conversation c-none does not exist'),
    );
  });
});

describe('the customer panel', () => {
  it("falls back to the conversation's name and language, links the CRM, and lists at most 20 earlier conversations", async () => {
    const h = coreHarness();
    await closedHistory(h, 22);
    await h.store.createConversation(
      aConversation({
        id: 'now',
        customerName: 'Ann',
        language: 'es',
        createdAt: '2026-11-23T09:00:00.000Z',
      }),
    );
    const view = await openConversationView(h.deps, supervisor, 'now');
    expect(view.customer).toEqual({ number: CUSTOMER, name: 'Ann', language: 'es', optedOut: false });
    expect(view.history).toHaveLength(20);
    expect(view.history[0]).toEqual({
      id: 'old-21',
      state: 'closed',
      createdAt: '2026-11-22T09:00:00.000Z',
      closedAt: '2026-11-22T10:00:00.000Z',
      ...(view.history[0]?.caseNumber ? { caseNumber: view.history[0].caseNumber } : {}),
    });
    expect(view.history.map((c) => c.id)).not.toContain('now');

    await h.store.putContact(
      {
        number: CUSTOMER,
        name: 'Ann Lee',
        attributes: {},
        crm: { id: 'contact-42', url: 'https://crm.example.com/contacts/42' },
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
      },
      null,
    );
    expect((await openConversationView(h.deps, supervisor, 'now')).customer).toEqual({
      number: CUSTOMER,
      name: 'Ann Lee',
      language: 'es',
      optedOut: false,
      crm: { id: 'contact-42', url: 'https://crm.example.com/contacts/42' },
    });
  });

  it('shows a number we know nothing of bare, on a channel no longer configured, by its id', async () => {
    const h = coreHarness();
    await h.store.createConversation(aConversation({ id: 'legacy-1', channelId: 'legacy' }));
    const view = await openConversationView(h.deps, supervisor, 'legacy-1');
    expect(view.customer).toEqual({ number: CUSTOMER, optedOut: false });
    expect(view.channel).toEqual({ id: 'legacy', name: 'legacy', sendsMedia: false });
    await expect(openConversationView(h.deps, supervisor, 'c-none')).rejects.toThrow(
      new NotFoundError('conversation c-none does not exist'),
    );
  });

  it('offers attachments on a channel whose provider sends MMS', async () => {
    const h = coreHarness();
    h.deps.directory = new Directory(
      testSeed.channels.map((c) => (c.id === 'support' ? { ...c, provider: 'twilio' as const } : c)),
      testSeed.queues,
    );
    await h.store.createConversation(aConversation({ id: 'mms-1' }));
    expect((await openConversationView(h.deps, supervisor, 'mms-1')).channel).toEqual({
      id: 'support',
      name: 'Support',
      sendsMedia: true,
    });
  });

  it('shows consent on each channel the number has a record on, with what changed it only when known', async () => {
    const h = coreHarness();
    await h.store.putCustomer(aCustomerState({ channelId: 'alerts', optedOut: false }), null);
    await h.store.putCustomer(
      aCustomerState({
        channelId: 'support',
        optedOut: true,
        consentChangedAt: '2026-11-20T10:00:00.000Z',
        consentChangedVia: 'keyword STOP',
      }),
      null,
    );
    expect(await consentByChannel(h.deps, CUSTOMER)).toEqual([
      {
        channelId: 'support',
        optedOut: true,
        changedAt: '2026-11-20T10:00:00.000Z',
        changedVia: 'keyword STOP',
      },
      { channelId: 'alerts', optedOut: false },
    ]);
  });
});

describe('the workspace reads, further', () => {
  it('offers the development sign-in by name, whatever the agents’ ids', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'agent-1', name: 'Zed' });
    await h.addAgent({ id: 'agent-2', name: 'Amy' });
    expect((await signInPeople(h.deps)).map((p) => p.name)).toEqual(['Amy', 'Zed']);
  });

  it('reads no agent record for someone signed in who is no agent', async () => {
    const h = coreHarness();
    const asked: string[] = [];
    const getAgent = h.store.getAgent.bind(h.store);
    h.store.getAgent = async (id) => {
      asked.push(id);
      return getAgent(id);
    };
    await whoAmI(h.deps, supervisor);
    expect(asked).toEqual([]);
  });

  it('measures the longest wait from when each joined the line, not when it was opened', async () => {
    const h = coreHarness();
    // c-old was opened first but came back to the line at 08:58; c-mid waits since 08:55.
    await h.store.createConversation({
      ...aConversation({ id: 'c-old', createdAt: '2026-11-23T08:50:00.000Z' }),
      history: [
        { from: null, to: 'open', at: '2026-11-23T08:50:00.000Z', by: 'customer', reason: 'first message' },
        { from: 'open', to: 'active', at: '2026-11-23T08:51:00.000Z', by: 'system', reason: 'assigned' },
        {
          from: 'active',
          to: 'open',
          at: '2026-11-23T08:58:00.000Z',
          by: 'agent:alice',
          reason: 'transferred',
        },
      ],
    });
    await h.store.createConversation({
      ...aConversation({ id: 'c-mid', customer: OTHER_CUSTOMER, createdAt: '2026-11-23T08:55:00.000Z' }),
      history: [
        { from: null, to: 'open', at: '2026-11-23T08:55:00.000Z', by: 'customer', reason: 'first message' },
      ],
    });
    const [general] = await listQueueViews(h.deps, supervisor);
    expect(general).toStrictEqual({
      id: 'general',
      name: 'General',
      distribution: 'push',
      waiting: 2,
      longestWaitSeconds: 300,
      wrapUp: { codes: [], required: false },
    });
  });

  it('reads at most eight transcripts at once when summarizing a long list', async () => {
    const h = coreHarness();
    for (let n = 0; n < 12; n += 1) {
      await h.store.createConversation(
        aConversation({
          id: `c-${String(n).padStart(2, '0')}`,
          customer: `+142555501${String(n + 30)}` as typeof CUSTOMER,
        }),
      );
    }
    let reading = 0;
    let most = 0;
    const listMessages = h.store.listMessages.bind(h.store);
    h.store.listMessages = async (conversationId) => {
      reading += 1;
      most = Math.max(most, reading);
      await new Promise((resolve) => setTimeout(resolve, 5));
      reading -= 1;
      return listMessages(conversationId);
    };
    expect(await listOngoing(h.deps, supervisor, {})).toHaveLength(12);
    expect(most).toBe(8);
  });

  it("lets an agent narrow the ongoing list to one of their queues, another agent's conversations there included", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general', 'billing'] });
    await h.store.createConversation(aConversation({ id: 'c-g' }));
    await h.store.createConversation(
      aConversation({
        id: 'c-b',
        customer: OTHER_CUSTOMER,
        queueId: 'billing',
        state: 'active',
        agentId: 'bob',
      }),
    );
    expect((await listOngoing(h.deps, agent('alice'), { queueId: 'billing' })).map((c) => c.id)).toEqual([
      'c-b',
    ]);
  });

  it("lists an agent's active, set-aside and wrap-up work, never what waits in the line or is another's", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    const at = (minute: number) => `2026-11-23T08:0${minute}:00.000Z`;
    for (const [id, state, agentId, minute] of [
      ['c-active', 'active', 'alice', 1],
      ['c-aside', 'waiting', 'alice', 2],
      ['c-wrap', 'wrap-up', 'alice', 3],
      ['c-line', 'open', null, 4],
      ['c-bob', 'active', 'bob', 5],
      ['c-done', 'closed', 'alice', 6],
    ] as const) {
      await h.store.createConversation(aConversation({ id, state, agentId, createdAt: at(minute) }));
    }
    expect((await listAgentWork(h.deps, supervisor, 'alice')).map((c) => c.id)).toEqual([
      'c-active',
      'c-aside',
      'c-wrap',
    ]);
  });

  it('shows the 20 newest other conversations when an old conversation of a long history is opened', async () => {
    const h = coreHarness();
    await closedHistory(h, 23);
    const view = await openConversationView(h.deps, supervisor, 'old-00');
    expect(view.history.map((c) => c.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `old-${String(22 - i).padStart(2, '0')}`),
    );
  });

  it('writes nothing when an agent marks read what they had read already', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    await h.store.createConversation(
      aConversation({ id: 'c-9', state: 'active', agentId: 'alice', lastSeq: 5, readUpTo: { alice: 4 } }),
    );
    const before = await h.store.getConversation('c-9');
    await markRead(h.deps, agent('alice'), 'c-9', 4);
    await markRead(h.deps, agent('alice'), 'c-9', 2);
    expect((await h.store.getConversation('c-9'))?.etag).toBe(before?.etag);
    await markRead(h.deps, agent('alice'), 'c-9', 5);
    expect((await h.store.getConversation('c-9'))?.value.readUpTo).toEqual({ alice: 5 });
  });
});
