import { describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/domain/channel.js';
import { caseNumberOf } from '../../shared/domain/conversation.js';
import { type CustomerState, newCustomerState } from '../../shared/domain/customer.js';
import { Directory } from '../../shared/domain/directory.js';
import { hoursSchema } from '../../shared/domain/hours.js';
import type { PhoneNumber } from '../../shared/domain/phone.js';
import {
  ConcurrencyError,
  ConflictError,
  ConsentError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../shared/errors.js';
import { closeConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { type StartRequest, startConversation } from '../../shared/use-cases/start-conversation.js';
import { CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';
import { type CoreHarness, coreHarness, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

const hello: StartRequest = {
  agentId: 'alice',
  channelId: 'support',
  to: CUSTOMER,
  text: 'Hello from Contoso',
};

/** Weekdays 09:00-18:00 in Paris; the harness clock (Monday 23 November 2026, 09:00 UTC) is 10:00 there. */
const parisHours = hoursSchema.parse({
  timeZone: 'Europe/Paris',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]]),
  ),
});

/** The support channel with some settings changed. */
function supportWith(h: CoreHarness, change: Partial<Channel>) {
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  h.deps.directory = new Directory([{ ...support, ...change }, ...rest], testSeed.queues);
  return support;
}

async function withAlice(overrides: Parameters<CoreHarness['addAgent']>[0] = {}, store?: MemoryStore) {
  const h = coreHarness(store);
  await h.addAgent({ id: 'alice', queueIds: ['general', 'billing'], ...overrides });
  return h;
}

const assignmentsOf = async (h: CoreHarness, agentId = 'alice') =>
  (await h.store.getAgent(agentId))?.value.assignments.map((a) => a.conversationId);

describe('an agent starting a conversation', () => {
  it('opens it active with the agent, in the channel default queue, and queues the first message', async () => {
    const h = await withAlice();
    const { conversation, message } = await startConversation(h.deps, hello);
    const id = conversation.id;
    expect(conversation).toMatchObject({
      id,
      channelId: 'support',
      channelNumber: SUPPORT_NUMBER,
      customer: CUSTOMER,
      queueId: 'general',
      caseNumber: caseNumberOf(id),
      language: 'en',
      state: 'active',
      agentId: 'alice',
      createdAt: '2026-11-23T09:00:00.000Z',
      closedAt: null,
      history: [
        {
          from: null,
          to: 'active',
          at: '2026-11-23T09:00:00.000Z',
          by: 'agent:alice',
          reason: 'started by agent',
        },
      ],
    });
    expect(conversation).not.toHaveProperty('customerName');
    // The conversation returned is the stored one, the first message counted in it.
    expect(conversation).toEqual((await h.store.getConversation(id))?.value);
    expect(conversation.lastSeq).toBe(1);
    expect(message).toMatchObject({
      conversationId: id,
      direction: 'outbound',
      author: { kind: 'agent', agentId: 'alice' },
      from: SUPPORT_NUMBER,
      to: CUSTOMER,
      text: 'Hello from Contoso',
      status: 'queued',
    });
    expect(h.queue.on('sms-outbound').map((m) => m.id)).toEqual([message.id]);
    expect(await assignmentsOf(h)).toEqual([id]);
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.openConversationId).toBe(id);
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'conversation.started')).toEqual([
      expect.objectContaining({ conversationId: id, agentId: 'alice', channelId: 'support' }),
    ]);
  });

  it('names the customer from their contact and speaks their language', async () => {
    const h = await withAlice();
    await h.store.putContact(
      {
        number: CUSTOMER,
        name: 'Amélie Durand',
        language: 'fr',
        attributes: {},
        createdAt: 'x',
        updatedAt: 'x',
      },
      null,
    );
    const { conversation } = await startConversation(h.deps, hello);
    expect(conversation).toMatchObject({ customerName: 'Amélie Durand', language: 'fr' });
  });

  it('puts it in the queue asked for', async () => {
    const h = await withAlice();
    const { conversation } = await startConversation(h.deps, { ...hello, queueId: 'billing' });
    expect(conversation.queueId).toBe('billing');
  });

  it('lets an agent who is not available start one, within their capacity', async () => {
    const h = await withAlice({ presence: 'offline', capacity: 1 });
    await startConversation(h.deps, hello);
    await expect(startConversation(h.deps, { ...hello, to: '+14255550125' })).rejects.toThrow(
      new ConflictError('agent alice has no free capacity'),
    );
  });

  it('starts one when the customer record points at a conversation that was never made (a crash)', async () => {
    const h = await withAlice();
    await h.store.putCustomer(
      { ...newCustomerState('support', CUSTOMER), openConversationId: 'never-made' },
      null,
    );
    const { conversation } = await startConversation(h.deps, hello);
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.openConversationId).toBe(conversation.id);
  });

  it('starts a new one after the customer last conversation was closed', async () => {
    const h = await withAlice({ capacity: 3 });
    const first = await startConversation(h.deps, hello);
    await closeConversation(h.deps, first.conversation.id, { kind: 'system' }, 'test');
    const second = await startConversation(h.deps, { ...hello, text: 'One more thing' });
    expect(second.conversation.id).not.toBe(first.conversation.id);
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.openConversationId).toBe(
      second.conversation.id,
    );
  });
});

describe('starting a conversation is refused', () => {
  it('on an outbound-only channel', async () => {
    const h = await withAlice();
    await expect(startConversation(h.deps, { ...hello, channelId: 'alerts' })).rejects.toThrow(
      new ConflictError('channel alerts is outbound-only; it sends notifications and holds no conversations'),
    );
  });

  it('when the admin turned agent-started conversations off', async () => {
    const h = await withAlice();
    supportWith(h, { agentInitiated: { enabled: false, onlyWhenOpen: false, respectQuietHours: false } });
    await expect(startConversation(h.deps, hello)).rejects.toThrow(
      new ForbiddenError('channel support does not let agents start conversations (an admin setting)'),
    );
  });

  it('when the channel has no number', async () => {
    const h = await withAlice();
    supportWith(h, { numbers: [] });
    await expect(startConversation(h.deps, hello)).rejects.toThrow(
      new ConflictError('channel support has no number to send from'),
    );
  });

  it('for a number not in international form, or an empty text, before anything is written', async () => {
    const h = await withAlice();
    const local = startConversation(h.deps, { ...hello, to: '4255550123' });
    await expect(local).rejects.toBeInstanceOf(ValidationError);
    await expect(local).rejects.toThrow(
      'to must be in international form, starting with + and the country code',
    );
    await expect(startConversation(h.deps, { ...hello, text: '' })).rejects.toBeInstanceOf(ValidationError);
    expect(await h.store.findConversations({})).toEqual([]);
    expect(await assignmentsOf(h)).toEqual([]);
  });

  it('while the channel is closed, when it says so; otherwise hours do not matter', async () => {
    const h = await withAlice({ capacity: 5 });
    const onlyWhenOpen = { enabled: true, onlyWhenOpen: true, respectQuietHours: false };
    supportWith(h, { hours: parisHours, agentInitiated: onlyWhenOpen });
    h.clock.set(new Date('2026-11-22T14:00:00Z')); // Sunday
    await expect(startConversation(h.deps, hello)).rejects.toThrow(
      new ConflictError(
        'channel support is closed now; agents start conversations on it only while it is open',
      ),
    );

    supportWith(h, { hours: parisHours, agentInitiated: { ...onlyWhenOpen, onlyWhenOpen: false } });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550131' })).resolves.toBeDefined();
    supportWith(h, { hours: undefined, agentInitiated: onlyWhenOpen });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550132' })).resolves.toBeDefined();
    h.clock.set(new Date('2026-11-23T09:00:00Z')); // Monday, 10:00 in Paris
    supportWith(h, { hours: parisHours, agentInitiated: onlyWhenOpen });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550133' })).resolves.toBeDefined();
  });

  it("in the customer's quiet hours, in their time zone, unless the channel lets agents through", async () => {
    const h = await withAlice({ capacity: 5 });
    // The United States span several zones: the channel's default zone is the customer's.
    const window = { from: '08:00', to: '21:00', defaultTimeZone: 'America/Los_Angeles' };
    const quiet = { enabled: true, onlyWhenOpen: false, respectQuietHours: true };
    supportWith(h, { notificationWindow: window, agentInitiated: quiet });
    // 09:00 UTC is 01:00 in Seattle.
    await expect(startConversation(h.deps, hello)).rejects.toThrow(
      new ConflictError(
        'it is 01:00 for the customer (America/Los_Angeles); channel support sends nothing outside 08:00-21:00 in their time zone',
      ),
    );
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();

    supportWith(h, { notificationWindow: window, agentInitiated: { ...quiet, respectQuietHours: false } });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550131' })).resolves.toBeDefined();
    supportWith(h, { notificationWindow: undefined, agentInitiated: quiet });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550132' })).resolves.toBeDefined();
    h.clock.set(new Date('2026-11-23T18:00:00Z')); // 10:00 in Seattle
    supportWith(h, { notificationWindow: window, agentInitiated: quiet });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550133' })).resolves.toBeDefined();
  });

  it('for a queue that does not exist, an agent that does not exist, or a queue the agent is not in', async () => {
    const h = await withAlice({ queueIds: ['general'] });
    await expect(startConversation(h.deps, { ...hello, queueId: 'sales' })).rejects.toThrow(
      new NotFoundError('unknown queue sales'),
    );
    await expect(startConversation(h.deps, { ...hello, agentId: 'zoe' })).rejects.toThrow(
      new NotFoundError('agent zoe does not exist'),
    );
    await expect(startConversation(h.deps, { ...hello, queueId: 'billing' })).rejects.toThrow(
      new ForbiddenError('agent alice is not a member of queue billing'),
    );
    expect(await h.store.findConversations({})).toEqual([]);
  });

  it('when the customer opted out of the channel', async () => {
    const h = await withAlice();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await expect(startConversation(h.deps, hello)).rejects.toThrow(
      new ConsentError('the customer opted out of this channel; nothing can be sent to them'),
    );
    expect(await assignmentsOf(h)).toEqual([]);
  });

  it('while the customer has a conversation under way, giving back the capacity it took', async () => {
    const h = await withAlice({ capacity: 3 });
    const waiting = await receiveInbound(h.deps, h.sms({ text: 'Anyone there?' }));
    if (waiting.status !== 'stored') throw new Error('not stored');
    await expect(startConversation(h.deps, hello)).rejects.toThrow(
      new ConflictError(
        `the customer has a conversation under way on this channel (${waiting.conversationId}, open)`,
      ),
    );
    expect(await assignmentsOf(h)).toEqual([]);

    await h.addAgent({ id: 'bob', name: 'Bob' });
    const started = await startConversation(h.deps, { ...hello, agentId: 'bob', to: '+14255550131' });
    await expect(startConversation(h.deps, { ...hello, to: '+14255550131' })).rejects.toThrow(
      new ConflictError(
        `the customer has a conversation under way on this channel (${started.conversation.id}, active with agent bob)`,
      ),
    );
    expect(await assignmentsOf(h)).toEqual([]);
  });
});

/** A store whose next customer write fails with the given error: another writer, or an outage. */
class FailingCustomerWrites extends MemoryStore {
  failure: Error | undefined;
  override async putCustomer(state: CustomerState, etag: string | null) {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    return super.putCustomer(state, etag);
  }
}

describe('a customer writing while the agent starts a conversation with them', () => {
  it('wins: the agent is told to look at their conversation, and gets the capacity back', async () => {
    const store = new FailingCustomerWrites();
    const h = await withAlice({}, store);
    store.failure = new ConcurrencyError('etag mismatch');
    const refused = startConversation(h.deps, hello);
    await expect(refused).rejects.toThrow(
      new ConflictError('the customer wrote to this channel meanwhile; look at their conversation'),
    );
    await expect(refused.catch((error) => error.cause)).resolves.toBeInstanceOf(ConcurrencyError);
    expect(await assignmentsOf(h)).toEqual([]);
  });

  it('is not confused with a store failure, which is passed on as it is', async () => {
    const store = new FailingCustomerWrites();
    const h = await withAlice({}, store);
    const outage = new Error('store unavailable');
    store.failure = outage;
    await expect(startConversation(h.deps, hello)).rejects.toBe(outage);
    expect(await assignmentsOf(h)).toEqual([]);
    expect(await store.getCustomer('support', CUSTOMER)).toBeUndefined();
    // The record is created from nothing when the customer never wrote.
    await expect(startConversation(h.deps, hello)).resolves.toBeDefined();
    expect((await store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      ...newCustomerState('support', CUSTOMER as PhoneNumber),
      openConversationId: expect.any(String),
    });
  });
});
