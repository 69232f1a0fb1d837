import { describe, expect, it } from 'vitest';
import type { ChannelInput } from '../../shared/domain/channel.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import type { PhoneNumber } from '../../shared/domain/phone.js';
import { parseSeed } from '../../shared/domain/seed.js';
import { ValidationError } from '../../shared/errors.js';
import type { Store } from '../../shared/ports.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { autoCloseIdle } from '../../shared/use-cases/auto-close.js';
import { endConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { assignAtOpening } from '../../shared/use-cases/openings.js';
import { setAside } from '../../shared/use-cases/work-distribution.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { coreHarness, storeKinds } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

const minutes = (n: number) => n * 60_000;
const bounds = { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 };

/** Paris office hours on weekdays; the clock and dates below are UTC. */
const weekdays = (from: string, to: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from, to }]]));

/** The support channel configured as given (through the same parser as an admin's), one queue. */
function harness(
  makeStore: () => Store,
  channel: Partial<ChannelInput> = {},
  queue: { distribution?: 'push' | 'pick' } = {},
) {
  const seed = parseSeed(
    {
      channels: [
        {
          id: 'support',
          name: 'Support',
          numbers: ['+14255550100'],
          provider: 'local',
          autoCloseMinutes: 30,
          defaultQueueId: 'general',
          automatedMessages: {
            ended: { enabled: true },
            survey: { enabled: true, text: 'How did we do? https://survey.example/{caseNumber}' },
          },
          ...channel,
        },
      ],
      queues: [{ id: 'general', name: 'General', ...queue }],
    },
    bounds,
  );
  const h = coreHarness(makeStore());
  h.deps.directory = new Directory(seed.channels, seed.queues);
  return h;
}

type Harness = ReturnType<typeof harness>;

async function customerWrites(h: Harness, text = 'Hello, my parcel is late') {
  const outcome = await receiveInbound(h.deps, h.sms({ text }));
  if (outcome.status !== 'stored') throw new Error('not stored');
  return outcome.conversationId;
}

async function stateOf(h: Harness, id: string) {
  return (await h.store.getConversation(id))?.value.state;
}

function automatedTexts(h: Harness) {
  return h.queue.on('sms-outbound').map((m) => (m.body as Message).text);
}

/** Runs the timer at each instant, as the every-minute schedule would, and returns what it closed. */
async function runTimerAt(h: Harness, ...instants: string[]) {
  const closed: string[] = [];
  for (const at of instants) {
    h.clock.set(new Date(at));
    closed.push(...(await autoCloseIdle(h.deps)).closed);
  }
  return closed;
}

describe.each(storeKinds)('auto-close (%s)', (_kind, makeStore) => {
  it('closes an active conversation idle longer than its limit and frees the agent', async () => {
    const h = harness(makeStore);
    await h.addAgent({ id: 'alice', capacity: 1 });
    const id = await customerWrites(h);
    await assignQueue(h.deps, 'general');

    h.clock.advance(minutes(30));
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [] });
    h.clock.advance(1);
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [id] });

    const conversation = (await h.store.getConversation(id))?.value;
    expect(conversation?.state).toBe('closed');
    expect(conversation?.history.at(-1)).toMatchObject({
      by: 'system',
      reason: 'auto-close: active with no activity for more than 30 minutes',
    });
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
  });

  it('counts each close by the channel and the state it sat idle in', async () => {
    const h = harness(makeStore);
    await h.addAgent({ id: 'alice', capacity: 1 });
    await customerWrites(h);
    await assignQueue(h.deps, 'general');
    h.clock.advance(minutes(30) + 1);
    await autoCloseIdle(h.deps);
    expect(h.metrics.of('sms.auto_closes')).toEqual([
      {
        kind: 'add',
        name: 'sms.auto_closes',
        value: 1,
        attributes: { channel: 'support', reason: 'idle-active' },
      },
    ]);
    await autoCloseIdle(h.deps);
    expect(h.metrics.count('sms.auto_closes')).toBe(1);
  });

  it('counts inactivity from the last message, not from the start', async () => {
    const h = harness(makeStore);
    await h.addAgent({ id: 'alice' });
    await customerWrites(h);
    await assignQueue(h.deps, 'general');
    h.clock.advance(minutes(25));
    const id = await customerWrites(h, 'Are you there?');
    h.clock.advance(minutes(25));
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [] });
    // Thirty minutes after the last message, not the first, it goes.
    h.clock.advance(minutes(5) + 1);
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [id] });
  });

  it('keeps the conversation of a customer who writes while the timer runs', async () => {
    const h = harness(makeStore);
    await h.addAgent({ id: 'alice' });
    const id = await customerWrites(h);
    await assignQueue(h.deps, 'general');
    h.clock.advance(minutes(31));
    // The timer has read the idle conversations; the customer's message lands before it closes.
    const find = h.store.findConversations.bind(h.store);
    let wrote = false;
    h.store.findConversations = async (query) => {
      const found = await find(query);
      if (!wrote && found.length > 0) {
        wrote = true;
        await customerWrites(h, 'Still there?');
      }
      return found;
    };
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [] });
    expect(await stateOf(h, id)).toBe('active');
  });

  it('closes nothing twice', async () => {
    const h = harness(makeStore);
    await h.addAgent({ id: 'alice' });
    await customerWrites(h);
    await assignQueue(h.deps, 'general');
    h.clock.advance(minutes(31));
    expect((await autoCloseIdle(h.deps)).closed).toHaveLength(1);
    expect((await autoCloseIdle(h.deps)).closed).toHaveLength(0);
  });

  it('never closes a conversation waiting in a pick queue nobody picks, nor says goodbye to it', async () => {
    const h = harness(makeStore, {}, { distribution: 'pick' });
    await h.addAgent({ id: 'alice' });
    const id = await customerWrites(h);
    const sentBefore = automatedTexts(h);

    for (let day = 1; day <= 60; day++) {
      h.clock.advance(minutes(24 * 60));
      expect((await autoCloseIdle(h.deps)).closed).toEqual([]);
    }
    expect(await stateOf(h, id)).toBe('open');
    expect(automatedTexts(h)).toEqual(sentBefore);
  });

  it('keeps a message sent on Friday evening for Monday: the weekend closes nothing', async () => {
    const h = harness(makeStore, { hours: { timeZone: 'Europe/Paris', weekly: weekdays('09:00', '18:00') } });
    await h.addAgent({ id: 'alice' });
    h.clock.set(new Date('2026-11-27T17:30:00Z')); // Friday 18:30 in Paris
    const id = await customerWrites(h);
    expect(automatedTexts(h)[0]).toMatch(
      /^Support is closed now\. We open again Monday 30 November at 09:00/,
    );

    const closed = await runTimerAt(
      h,
      '2026-11-27T18:01:00Z',
      '2026-11-28T12:00:00Z',
      '2026-11-29T23:00:00Z',
      '2026-11-30T07:59:00Z', // Monday 08:59 in Paris
    );
    expect(closed).toEqual([]);

    h.clock.set(new Date('2026-11-30T08:00:00Z')); // Monday 09:00: the opening timer runs
    expect(await assignAtOpening(h.deps)).toEqual({ queues: ['general'] });
    await assignQueue(h.deps, 'general');
    expect((await h.store.getConversation(id))?.value).toMatchObject({ state: 'active', agentId: 'alice' });
  });

  it('counts only opening hours toward an open limit an admin sets', async () => {
    const h = harness(makeStore, {
      hours: { timeZone: 'Europe/Paris', weekly: weekdays('09:00', '18:00') },
      autoClose: { open: 60 },
    });
    h.clock.set(new Date('2026-11-27T17:30:00Z')); // Friday 18:30 in Paris, closed
    const id = await customerWrites(h);

    expect(await runTimerAt(h, '2026-11-28T17:30:00Z', '2026-11-30T08:59:00Z')).toEqual([]);
    expect(await runTimerAt(h, '2026-11-30T09:01:00Z')).toEqual([id]); // Monday 10:01 in Paris
    expect((await h.store.getConversation(id))?.value.history.at(-1)?.reason).toBe(
      'auto-close: open with no activity for more than 60 minutes of opening hours',
    );
    // The customer hears it ended; nobody served them, so there is no survey to answer.
    expect(automatedTexts(h).slice(1)).toEqual([expect.stringMatching(/^This conversation has ended/)]);
  });

  it('does not count a holiday toward an active conversation limit', async () => {
    const h = harness(makeStore, {
      hours: {
        timeZone: 'Europe/Paris',
        weekly: weekdays('09:00', '18:00'),
        holidays: [{ date: '2026-11-30', name: 'Closing day' }],
      },
      autoCloseMinutes: 60,
    });
    await h.addAgent({ id: 'alice' });
    h.clock.set(new Date('2026-11-27T16:30:00Z')); // Friday 17:30 in Paris: 30 minutes before closing
    const id = await customerWrites(h);
    await assignQueue(h.deps, 'general');
    expect(await stateOf(h, id)).toBe('active');

    // Monday is the holiday: Tuesday 09:30 in Paris completes the hour.
    expect(
      await runTimerAt(h, '2026-11-28T10:00:00Z', '2026-11-30T16:00:00Z', '2026-12-01T08:29:00Z'),
    ).toEqual([]);
    expect(await runTimerAt(h, '2026-12-01T08:31:00Z')).toEqual([id]);
  });

  it('counts the opening hours of a daylight-saving night as they are on the wall', async () => {
    // Paris moves from UTC+1 to UTC+2 in the night of Saturday 28 to Sunday 29 March 2026.
    const every = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '09:00', to: '17:00' }]]),
    );
    const h = harness(makeStore, {
      hours: { timeZone: 'Europe/Paris', weekly: every },
      autoCloseMinutes: 120,
    });
    await h.addAgent({ id: 'alice' });
    h.clock.set(new Date('2026-03-28T15:00:00Z')); // Saturday 16:00 in Paris: one hour counted
    const id = await customerWrites(h);
    await assignQueue(h.deps, 'general');

    // Sunday opens at 09:00 summer time, 07:00 UTC: the second hour ends at 08:00 UTC.
    expect(await runTimerAt(h, '2026-03-28T23:00:00Z', '2026-03-29T07:59:00Z')).toEqual([]);
    expect(await runTimerAt(h, '2026-03-29T08:01:00Z')).toEqual([id]);
  });

  it('closes a conversation set aside for the customer on the wall clock, even after hours', async () => {
    const h = harness(makeStore, { hours: { timeZone: 'Europe/Paris', weekly: weekdays('09:00', '18:00') } });
    await h.addAgent({ id: 'alice' });
    h.clock.set(new Date('2026-11-27T16:00:00Z')); // Friday 17:00 in Paris
    const id = await customerWrites(h);
    await assignQueue(h.deps, 'general');
    h.clock.set(new Date('2026-11-27T16:50:00Z'));
    await setAside(h.deps, { conversationId: id, agentId: 'alice' });

    expect(await runTimerAt(h, '2026-11-27T17:20:00Z')).toEqual([]);
    expect(await runTimerAt(h, '2026-11-27T17:21:00Z')).toEqual([id]); // 18:21 in Paris, closed
  });

  it('follows each state limit: wrap-up one day by default, and null never', async () => {
    const h = harness(makeStore, { autoClose: { waiting: null } });
    await h.addAgent({ id: 'alice' });
    const ended = await customerWrites(h);
    await assignQueue(h.deps, 'general');
    await endConversation(h.deps, { conversationId: ended, agentId: 'alice' });

    h.clock.advance(minutes(24 * 60));
    expect((await autoCloseIdle(h.deps)).closed).toEqual([]);
    h.clock.advance(minutes(1));
    expect((await autoCloseIdle(h.deps)).closed).toEqual([ended]);

    const asideId = await customerWrites(h, 'Another question');
    await assignQueue(h.deps, 'general');
    await setAside(h.deps, { conversationId: asideId, agentId: 'alice' });
    h.clock.advance(minutes(7 * 24 * 60));
    expect((await autoCloseIdle(h.deps)).closed).toEqual([]);
    expect(await stateOf(h, asideId)).toBe('waiting');
  });
});

describe('auto-close on two channels', () => {
  it("holds each channel's conversations to that channel's own limit", async () => {
    const seed = parseSeed(
      {
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: ['+14255550100'],
            provider: 'local',
            autoCloseMinutes: 30,
            defaultQueueId: 'general',
          },
          {
            id: 'sales',
            name: 'Sales',
            numbers: ['+14255550101'],
            provider: 'local',
            autoCloseMinutes: 120,
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
      },
      bounds,
    );
    const h = coreHarness();
    h.deps.directory = new Directory(seed.channels, seed.queues);
    await h.addAgent({ id: 'alice', capacity: 2 });
    const onSupport = await receiveInbound(h.deps, h.sms({ text: 'Hello support' }));
    const onSales = await receiveInbound(
      h.deps,
      h.sms({ to: '+14255550101' as PhoneNumber, text: 'Hello sales' }),
    );
    await assignQueue(h.deps, 'general');
    if (onSupport.status !== 'stored' || onSales.status !== 'stored') throw new Error('not stored');

    h.clock.advance(minutes(60));
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [onSupport.conversationId] });
    expect((await h.store.getConversation(onSales.conversationId))?.value.state).toBe('active');
    h.clock.advance(minutes(60) + 1);
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [onSales.conversationId] });
  });
});

describe('what the auto-close timer asks the store', () => {
  it('only the conversations idle past each limit, and nothing for a state that never closes', async () => {
    const counted = countingStore(new MemoryStore());
    // Open never closes (the default); active and waiting close after 30 minutes, wrap-up after a day.
    const h = harness(() => counted.store);
    await h.addAgent({ id: 'alice', capacity: 2 });
    const idle = await customerWrites(h);
    await assignQueue(h.deps, 'general');
    h.clock.advance(minutes(20));
    await receiveInbound(h.deps, h.sms({ from: '+14255550124', text: 'Hello, a second question' }));
    await assignQueue(h.deps, 'general');
    h.clock.advance(minutes(11)); // the first idle 31 minutes, the second 11
    counted.reset();

    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [idle] });
    expect(
      counted.operations
        .filter((operation) => operation.method === 'findConversations')
        .map((operation) => operation.documents),
    ).toEqual([1, 0, 0]); // active: the idle one alone; waiting; wrap-up
  });
});

describe('inactivity limits in the channel configuration', () => {
  const channel = (autoClose: unknown) => ({
    channels: [
      {
        id: 'support',
        name: 'Support',
        numbers: ['+14255550100'],
        provider: 'local',
        defaultQueueId: 'general',
        autoClose,
      },
    ],
    queues: [{ id: 'general', name: 'General' }],
  });

  it('defaults: open never, active and waiting the deployment default, wrap-up one day', () => {
    const [support] = parseSeed(channel(undefined), { ...bounds, defaultMinutes: 480 }).channels;
    expect(support?.autoClose).toEqual({ open: null, active: 480, waiting: 480, 'wrap-up': 1440 });
  });

  it('takes minutes or null per state, within the deployment bounds', () => {
    const [support] = parseSeed(channel({ open: 2880, 'wrap-up': null }), bounds).channels;
    expect(support?.autoClose).toEqual({ open: 2880, active: 1440, waiting: 1440, 'wrap-up': null });
    let refused: unknown;
    try {
      parseSeed(channel({ active: 1 }), bounds);
    } catch (error) {
      refused = error;
    }
    expect((refused as ValidationError).issues).toContainEqual({
      path: 'channels.0.autoClose.active',
      message: 'must be between 5 and 10080 minutes (or null: never)',
    });
    expect(() => parseSeed(channel({ waiting: 'soon' }), bounds)).toThrow(ValidationError);
  });
});
