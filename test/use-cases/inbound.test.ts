import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import { hoursSchema } from '../../shared/domain/hours.js';
import type { Message } from '../../shared/domain/message.js';
import { AlreadyExistsError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import type { AssignmentRequest } from '../../shared/use-cases/assignment-request.js';
import {
  closeByAgent,
  closeConversation,
  endConversation,
  setPresence,
} from '../../shared/use-cases/conversations.js';
import { eraseCustomer } from '../../shared/use-cases/customer-data.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { setAside } from '../../shared/use-cases/work-distribution.js';
import { ALERTS_NUMBER, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { type CoreHarness, coreHarness, storeKinds, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

describe.each(storeKinds)('receiving a customer message (%s)', (_kind, makeStore) => {
  it('opens a conversation on the channel default queue and asks for an agent', async () => {
    const h = coreHarness(makeStore());
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'Hello, I need help' }));
    expect(outcome).toMatchObject({ status: 'stored', state: 'open' });
    if (outcome.status !== 'stored') throw new Error('not stored');
    const conversation = (await h.store.getConversation(outcome.conversationId))?.value;
    expect(conversation).toMatchObject({
      channelId: 'support',
      queueId: 'general',
      state: 'open',
      agentId: null,
    });
    const messages = await h.store.listMessages(outcome.conversationId);
    expect(messages.map((m) => [m.seq, m.text, m.direction])).toEqual([[1, 'Hello, I need help', 'inbound']]);
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'customer message' },
    ]);
  });

  it('asks for an agent once per conversation joining the queue, not on every message', async () => {
    const h = coreHarness(makeStore());
    await receiveInbound(h.deps, h.sms());
    await receiveInbound(h.deps, h.sms());
    await receiveInbound(h.deps, h.sms());
    expect(h.queue.on('sms-assignment')).toHaveLength(1);
  });

  it('stores the same provider message delivered twice only once', async () => {
    const h = coreHarness(makeStore());
    const sms = h.sms({ providerMessageId: 'SM-1' });
    const first = await receiveInbound(h.deps, sms);
    const second = await receiveInbound(h.deps, { ...sms });
    expect(second).toEqual({ status: 'duplicate', messageId: 'local:SM-1' });
    if (first.status !== 'stored') throw new Error('not stored');
    expect(await h.store.listMessages(first.conversationId)).toHaveLength(1);
  });

  it('makes exactly one conversation of two first messages arriving at the same moment', async () => {
    const h = coreHarness(makeStore());
    const outcomes = await Promise.all([receiveInbound(h.deps, h.sms()), receiveInbound(h.deps, h.sms())]);
    const ids = outcomes.map((o) => (o.status === 'stored' ? o.conversationId : o.status));
    expect(new Set(ids).size).toBe(1);
    expect(await h.store.findConversations({ channelId: 'support' })).toHaveLength(1);
    const messages = await h.store.listMessages(ids[0] ?? '');
    expect(messages.map((m) => m.seq).sort()).toEqual([1, 2]);
  });

  it('joins the unclosed conversation and lists messages in the order received', async () => {
    const h = coreHarness(makeStore());
    const texts = Array.from({ length: 12 }, (_, i) => `part ${i + 1}`);
    const ids = new Set<string>();
    for (const text of texts) {
      const outcome = await receiveInbound(h.deps, h.sms({ text }));
      if (outcome.status === 'stored') ids.add(outcome.conversationId);
    }
    expect(ids.size).toBe(1);
    const messages = await h.store.listMessages([...ids][0] ?? '');
    expect(messages.map((m) => m.text)).toEqual(texts);
  });

  it('keeps customers apart: another number gets its own conversation', async () => {
    const h = coreHarness(makeStore());
    const a = await receiveInbound(h.deps, h.sms());
    const b = await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER }));
    expect(a.status === 'stored' && b.status === 'stored' && a.conversationId !== b.conversationId).toBe(
      true,
    );
  });

  it('opens a new conversation after the last one was closed', async () => {
    const h = coreHarness(makeStore());
    const first = await receiveInbound(h.deps, h.sms());
    if (first.status !== 'stored') throw new Error('not stored');
    await closeConversation(h.deps, first.conversationId, { kind: 'system' }, 'test');
    const second = await receiveInbound(h.deps, h.sms());
    expect(second).toMatchObject({ status: 'stored', state: 'open' });
    expect(second.status === 'stored' && second.conversationId).not.toBe(first.conversationId);
  });

  it('drops a message to a number no channel has, or to an outbound-only channel, and stores nothing', async () => {
    const h = coreHarness(makeStore());
    expect(await receiveInbound(h.deps, h.sms({ to: '+14255550111' as never }))).toMatchObject({
      status: 'dropped',
      reason: 'no channel has this number',
    });
    expect(await receiveInbound(h.deps, h.sms({ to: ALERTS_NUMBER }))).toMatchObject({
      status: 'dropped',
      reason: 'channel is outbound-only',
    });
    expect(await h.store.findConversations({})).toEqual([]);
  });
});

/** A store that dies once at a chosen write: the crash windows of the inbound path. */
class CrashingStore extends MemoryStore {
  crashAt: 'create-with-message' | 'create-message' | undefined;
  override async createConversationWithMessage(
    ...args: Parameters<MemoryStore['createConversationWithMessage']>
  ) {
    this.crash('create-with-message');
    return super.createConversationWithMessage(...args);
  }
  override async createMessage(message: Message) {
    this.crash('create-message');
    return super.createMessage(message);
  }
  private crash(at: CrashingStore['crashAt']) {
    if (this.crashAt !== at) return;
    this.crashAt = undefined;
    throw new Error('process died');
  }
}

describe('receiving a customer message after a crash', () => {
  it('resumes when the process died after pointing the customer at a conversation it had not made', async () => {
    const store = new CrashingStore();
    const h = coreHarness(store);
    const sms = h.sms({ providerMessageId: 'SM-crash-1' });
    store.crashAt = 'create-with-message';
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    const retried = await receiveInbound(h.deps, sms);
    if (retried.status !== 'stored') throw new Error('not stored');
    expect((await h.store.listMessages(retried.conversationId)).map((m) => m.seq)).toEqual([1]);
    expect(h.queue.on('sms-assignment')).toHaveLength(1);
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
  });

  it('announces a first message again when the process died before the assigner heard of it', async () => {
    const h = coreHarness();
    const sms = h.sms({ providerMessageId: 'SM-crash-2' });
    const send = h.queue.send.bind(h.queue);
    let dead = true;
    h.queue.send = async (queue, message) => {
      if (dead && queue === 'sms-assignment') {
        dead = false;
        throw new Error('process died');
      }
      return send(queue, message);
    };
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'customer message' },
    ]);
    const [conversation] = await h.store.findConversations({});
    expect(await h.store.listMessages(conversation?.value.id ?? '')).toHaveLength(1);
  });

  it('stores a later message once when the process died after taking its sequence number', async () => {
    const store = new CrashingStore();
    const h = coreHarness(store);
    const first = await receiveInbound(h.deps, h.sms({ text: 'first' }));
    const sms = h.sms({ providerMessageId: 'SM-crash-3', text: 'second' });
    store.crashAt = 'create-message';
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    await receiveInbound(h.deps, sms);
    await receiveInbound(h.deps, h.sms({ text: 'third' }));
    if (first.status !== 'stored') throw new Error('not stored');
    const messages = await h.store.listMessages(first.conversationId);
    // The number the dead attempt took stays unused: a gap, never a change of order.
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'first'],
      [3, 'second'],
      [4, 'third'],
    ]);
  });

  it('drops a redelivery of a message whose conversation was closed since', async () => {
    const h = coreHarness();
    const sms = h.sms({ providerMessageId: 'SM-late' });
    const first = await receiveInbound(h.deps, sms);
    if (first.status !== 'stored') throw new Error('not stored');
    await closeConversation(h.deps, first.conversationId, { kind: 'system' }, 'test');
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
    expect((await h.store.searchConversations({}, { limit: 10 })).conversations).toHaveLength(1);
  });

  it('keeps one conversation under many racing first messages with slow reads', async () => {
    const store = new MemoryStore();
    store.beforeRead = () => new Promise((resolve) => setImmediate(resolve));
    const h = coreHarness(store);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => receiveInbound(h.deps, h.sms())));
    expect(new Set(outcomes.map((o) => (o.status === 'stored' ? o.conversationId : o.status))).size).toBe(1);
    const [only] = await store.findConversations({});
    const seqs = (await store.listMessages(only?.value.id ?? '')).map((m) => m.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

const minutes = (n: number) => n * 60_000;

const hours = hoursSchema.parse({
  timeZone: 'Europe/Paris',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]]),
  ),
  holidays: [{ date: '2026-12-25', name: 'Noël' }],
});

/**
 * The support channel with its greeting on (and the survey, when asked), opening hours (Paris,
 * weekdays 09:00 to 18:00, Christmas off), alice to answer, and the clock at `at`: by default
 * Monday 23 November 2026, 10:00 in Paris.
 */
async function supportDesk(
  options: { at?: string; survey?: boolean; store?: MemoryStore } = {},
): Promise<CoreHarness> {
  const h = coreHarness(options.store);
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  const automatedMessages = automatedMessagesSchema.parse({
    greeting: { enabled: true },
    survey: { enabled: options.survey ?? false },
  });
  h.deps.directory = new Directory([{ ...support, automatedMessages, hours }, ...rest], testSeed.queues);
  h.clock.set(new Date(options.at ?? '2026-11-23T09:00:00Z'));
  await h.addAgent({ id: 'alice' });
  return h;
}

/** The automated messages queued for sending: the queue message id (it drops repeats of one id) and text. */
const automated = (h: CoreHarness) =>
  h.queue
    .on('sms-outbound')
    .filter((m) => (m.body as Message).purpose === 'automated')
    .map((m) => ({ id: m.id, text: (m.body as Message).text }));

/** How many times a customer's message asked the assigner to look at a queue. */
const askedForAnAgent = (h: CoreHarness) =>
  h.queue.on('sms-assignment').filter((m) => (m.body as AssignmentRequest).reason === 'customer message')
    .length;

/** The inbound worker's log lines, as operators read them (the time left out). */
const inboundLog = (h: CoreHarness) =>
  h.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => String(line.event).startsWith('inbound.'))
    .map(({ time: _time, ...line }) => line);

const stored = (outcome: Awaited<ReturnType<typeof receiveInbound>>) => {
  if (outcome.status !== 'stored') throw new Error(`not stored: ${outcome.status}`);
  return outcome;
};

describe('a conversation joining the queue', () => {
  it('is greeted once, by a message of its own: each conversation greeting has its own id', async () => {
    const h = await supportDesk();
    const a = stored(await receiveInbound(h.deps, h.sms({ text: 'Hello' })));
    const b = stored(await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER, text: 'Hi there' })));
    await receiveInbound(h.deps, h.sms({ text: 'Anyone?' }));
    expect(automated(h).map((m) => m.id)).toEqual([
      `${a.conversationId}:greeting`,
      `${b.conversationId}:greeting`,
    ]);
  });

  it('after hours, or on a holiday, is told so by a message named after the customer message', async () => {
    // Sunday 22 November 2026, 15:00 in Paris; then Christmas Day.
    const h = await supportDesk({ at: '2026-11-22T14:00:00Z' });
    const sunday = h.sms({ text: 'Is anyone there?' });
    await receiveInbound(h.deps, sunday);
    h.clock.set(new Date('2026-12-25T10:00:00Z'));
    const christmas = h.sms({ from: OTHER_CUSTOMER, text: 'My gift broke' });
    await receiveInbound(h.deps, christmas);
    expect(automated(h)).toEqual([
      { id: `${sunday.id}:closed`, text: expect.stringMatching(/^Support is closed now\./) },
      { id: `${christmas.id}:closed`, text: expect.stringMatching(/^Support is closed today \(Noël\)\./) },
    ]);
  });

  it('is greeted when its first message comes again after the process died before the greeting went out', async () => {
    const h = await supportDesk();
    const send = h.queue.send.bind(h.queue);
    let dead = true;
    h.queue.send = async (queue, message) => {
      if (dead && queue === 'sms-outbound') {
        dead = false;
        throw new Error('process died');
      }
      return send(queue, message);
    };
    const sms = h.sms({ text: 'Hello' });
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
    const [conversation] = await h.store.findConversations({});
    expect(automated(h).map((m) => m.id)).toEqual([`${conversation?.value.id}:greeting`]);
    expect(askedForAnAgent(h)).toBe(1);
  });

  it('when set aside and its agent is away, goes back to the queue on the customer reply, not greeted as new', async () => {
    // First written after hours (told so, not greeted), served at Monday opening, then set aside.
    const h = await supportDesk({ at: '2026-11-22T14:00:00Z' });
    const first = stored(await receiveInbound(h.deps, h.sms({ text: 'Is anyone there?' })));
    h.clock.set(new Date('2026-11-23T08:00:00Z'));
    await assignQueue(h.deps, 'general');
    await setAside(h.deps, { conversationId: first.conversationId, agentId: 'alice' });
    await setPresence(h.deps, 'alice', 'away');
    const before = automated(h);

    const reply = await receiveInbound(h.deps, h.sms({ text: 'Here is my order number' }));

    expect(reply).toMatchObject({ status: 'stored', conversationId: first.conversationId, state: 'open' });
    expect(askedForAnAgent(h)).toBe(2);
    expect(automated(h)).toEqual(before);
  });

  it('when set aside and its agent is available, goes back to them without asking the queue', async () => {
    const h = await supportDesk();
    const first = stored(await receiveInbound(h.deps, h.sms({ text: 'Hello' })));
    await assignQueue(h.deps, 'general');
    await setAside(h.deps, { conversationId: first.conversationId, agentId: 'alice' });

    const reply = await receiveInbound(h.deps, h.sms({ text: 'Back again' }));

    expect(reply).toMatchObject({ status: 'stored', conversationId: first.conversationId, state: 'active' });
    expect(askedForAnAgent(h)).toBe(1);
  });

  it('needs no skill when routing names none', async () => {
    const h = await supportDesk();
    const outcome = stored(await receiveInbound(h.deps, h.sms({ text: 'Hello' })));
    expect((await h.store.getConversation(outcome.conversationId))?.value).not.toHaveProperty(
      'requiredSkills',
    );
  });
});

describe('a customer message delivered again', () => {
  it('asks for no agent again when it is a later message of a conversation in the queue', async () => {
    const h = await supportDesk();
    await receiveInbound(h.deps, h.sms({ text: 'Hello' }));
    const second = h.sms({ text: 'Anyone?' });
    await receiveInbound(h.deps, second);
    expect(await receiveInbound(h.deps, second)).toEqual({ status: 'duplicate', messageId: second.id });
    expect(askedForAnAgent(h)).toBe(1);
  });

  it('asks for no agent again when it is the first message of a conversation an agent has taken', async () => {
    const h = await supportDesk();
    const sms = h.sms({ text: 'Hello' });
    await receiveInbound(h.deps, sms);
    await assignQueue(h.deps, 'general');
    expect(await receiveInbound(h.deps, sms)).toEqual({ status: 'duplicate', messageId: sms.id });
    expect(askedForAnAgent(h)).toBe(1);
  });

  it('is still a repeat when the customer data was erased while it was being looked at', async () => {
    /** The customer asks to be erased just as the redelivery finds its message stored already. */
    class ErasedMeanwhile extends MemoryStore {
      erase: (() => Promise<unknown>) | undefined;
      override async createMessage(message: Message) {
        try {
          return await super.createMessage(message);
        } catch (error) {
          const erase = this.erase;
          this.erase = undefined;
          if (error instanceof AlreadyExistsError && erase) await erase();
          throw error;
        }
      }
    }
    const store = new ErasedMeanwhile();
    const h = await supportDesk({ store });
    await receiveInbound(h.deps, h.sms({ text: 'Hello' }));
    const second = h.sms({ text: 'My address is 1 Main St' });
    await receiveInbound(h.deps, second);
    store.erase = () => eraseCustomer(h.deps, CUSTOMER);
    expect(await receiveInbound(h.deps, second)).toEqual({ status: 'duplicate', messageId: second.id });
    expect(await h.store.listMessages('id-1')).toEqual([]);
  });

  it('is made once when two messages arrive together after a crash left the customer pointing at no conversation', async () => {
    class DiesOnce extends MemoryStore {
      dead = true;
      override async createConversationWithMessage(
        ...args: Parameters<MemoryStore['createConversationWithMessage']>
      ) {
        if (this.dead) {
          this.dead = false;
          throw new Error('process died');
        }
        return super.createConversationWithMessage(...args);
      }
    }
    const store = new DiesOnce();
    const h = coreHarness(store);
    const first = h.sms({ text: 'Hello' });
    await expect(receiveInbound(h.deps, first)).rejects.toThrow('process died');
    const outcomes = await Promise.all([
      receiveInbound(h.deps, first),
      receiveInbound(h.deps, h.sms({ text: 'Anyone?' })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'stored']);
    const [only, ...others] = await store.findConversations({});
    expect(others).toEqual([]);
    const messages = await store.listMessages(only?.value.id ?? '');
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'Hello'],
      [2, 'Anyone?'],
    ]);
  });
});

describe('a reply to the survey of a conversation just over', () => {
  /** A conversation alice served and closed (the survey went out), five minutes ago. */
  async function surveyed(options: { store?: MemoryStore } = {}) {
    const h = await supportDesk({ survey: true, ...options });
    const outcome = stored(await receiveInbound(h.deps, h.sms({ text: 'My parcel is late' })));
    await assignQueue(h.deps, 'general');
    await closeByAgent(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' });
    h.clock.advance(minutes(5));
    return { h, id: outcome.conversationId };
  }

  it('is logged as the survey answer, not as a message stored in a conversation', async () => {
    const { h, id } = await surveyed();
    h.logs.length = 0;
    const answer = h.sms({ text: '5 - merci' });
    expect(await receiveInbound(h.deps, answer)).toEqual({
      status: 'stored',
      conversationId: id,
      messageId: answer.id,
      state: 'closed',
    });
    expect(inboundLog(h)).toEqual([
      {
        level: 'info',
        event: 'inbound.survey-answer',
        messageId: answer.id,
        customer: '+1********23',
        conversationId: id,
      },
    ]);
  });

  it('is stored in the closed conversation when it comes again after the process died before storing it', async () => {
    class DiesOnceStoring extends MemoryStore {
      dieOn: string | undefined;
      override async createMessage(message: Message) {
        if (message.id === this.dieOn) {
          this.dieOn = undefined;
          throw new Error('process died');
        }
        return super.createMessage(message);
      }
    }
    const store = new DiesOnceStoring();
    const { h, id } = await surveyed({ store });
    const answer = h.sms({ text: '4 - fine' });
    store.dieOn = answer.id;
    await expect(receiveInbound(h.deps, answer)).rejects.toThrow('process died');

    expect(await receiveInbound(h.deps, answer)).toMatchObject({ status: 'stored', conversationId: id });
    expect((await h.store.getMessage(id, answer.id))?.value.text).toBe('4 - fine');
    expect(await h.store.findConversations({ channelId: 'support' })).toEqual([]);
  });

  it('sent twice at once: the first is the answer, the other opens a new conversation', async () => {
    const { h, id } = await surveyed();
    const [answer, other] = await Promise.all([
      receiveInbound(h.deps, h.sms({ text: '5' })),
      receiveInbound(h.deps, h.sms({ text: 'And another thing' })),
    ]);
    expect(answer).toMatchObject({ status: 'stored', conversationId: id, state: 'closed' });
    expect(other).toMatchObject({ status: 'stored', state: 'open' });
    expect(other.status === 'stored' && other.conversationId).not.toBe(id);
    expect((await h.store.getConversation(id))?.value.survey?.score).toBe(5);
  });

  it('in wrap-up takes one place: the message after it follows it directly', async () => {
    const h = await supportDesk({ survey: true });
    const outcome = stored(await receiveInbound(h.deps, h.sms({ text: 'My parcel is late' })));
    await assignQueue(h.deps, 'general');
    await endConversation(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' });
    const answer = h.sms({ text: '3 ok' });
    await receiveInbound(h.deps, answer);
    const after = h.sms({ text: 'Thanks again' });
    await receiveInbound(h.deps, after);
    const seqOf = async (sms: { id: string }) =>
      (await h.store.getMessage(outcome.conversationId, sms.id))?.value.seq ?? 0;
    expect(await seqOf(after)).toBe((await seqOf(answer)) + 1);
    expect((await h.store.getConversation(outcome.conversationId))?.value.survey?.messageId).toBe(answer.id);
  });
});

describe('what operators see of customer messages', () => {
  it('a log line for each: stored, repeated, or dropped and why, with the message id and the number masked', async () => {
    const h = await supportDesk();
    const first = h.sms({ text: 'Hello' });
    const outcome = stored(await receiveInbound(h.deps, first));
    const second = h.sms({ text: 'Anyone?' });
    await receiveInbound(h.deps, second);
    await receiveInbound(h.deps, second);
    await assignQueue(h.deps, 'general');
    await receiveInbound(h.deps, first);
    const nowhere = h.sms({ to: '+14255550111' as never });
    await receiveInbound(h.deps, nowhere);
    const echo = h.sms({ from: ALERTS_NUMBER });
    await receiveInbound(h.deps, echo);
    const alerts = h.sms({ to: ALERTS_NUMBER, text: 'Who is this?' });
    await receiveInbound(h.deps, alerts);
    await closeConversation(h.deps, outcome.conversationId, { kind: 'system' }, 'test');
    await receiveInbound(h.deps, first);

    const customer = '+1********23';
    const conversationId = outcome.conversationId;
    expect(inboundLog(h)).toEqual([
      {
        level: 'info',
        event: 'inbound.stored',
        messageId: first.id,
        customer,
        conversationId,
        state: 'open',
      },
      {
        level: 'info',
        event: 'inbound.stored',
        messageId: second.id,
        customer,
        conversationId,
        state: 'open',
      },
      { level: 'info', event: 'inbound.duplicate', messageId: second.id, customer },
      { level: 'info', event: 'inbound.duplicate', messageId: first.id, customer },
      {
        level: 'warn',
        event: 'inbound.dropped',
        messageId: nowhere.id,
        customer,
        reason: 'no channel has this number',
      },
      {
        level: 'warn',
        event: 'inbound.dropped',
        messageId: echo.id,
        customer: '+1********99',
        reason: 'sent from one of our own numbers',
      },
      {
        level: 'warn',
        event: 'inbound.dropped',
        messageId: alerts.id,
        customer,
        reason: 'channel is outbound-only',
      },
      { level: 'info', event: 'inbound.duplicate', messageId: first.id, customer },
    ]);
  });

  it('counts a stored message as received, with the time since the webhook took it; a repeat or a drop counts nothing', async () => {
    const h = await supportDesk();
    const sms = h.sms({ text: 'Hello' });
    h.clock.advance(1500);
    await receiveInbound(h.deps, sms);
    await receiveInbound(h.deps, sms);
    await receiveInbound(h.deps, h.sms({ to: ALERTS_NUMBER }));
    await receiveInbound(h.deps, h.sms({ to: '+14255550111' as never }));
    expect(h.metrics.of('sms.messages.received')).toEqual([
      {
        kind: 'add',
        name: 'sms.messages.received',
        value: 1,
        attributes: { channel: 'support', provider: 'local' },
      },
    ]);
    expect(h.metrics.of('sms.accept_to_stored')).toEqual([
      { kind: 'record', name: 'sms.accept_to_stored', value: 1500, attributes: {} },
    ]);
  });
});
