import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import { ForbiddenError, ValidationError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, replyToCustomer, setPresence } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import {
  consentByChannel,
  listAgentViews,
  listOngoing,
  listQueueViews,
  markRead,
  openConversationView,
  parseStates,
} from '../../shared/use-cases/workspace.js';
import { CUSTOMER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';

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
