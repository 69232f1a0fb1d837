import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import { percentile } from '../../shared/domain/figures.js';
import { ValidationError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { autoCloseIdle } from '../../shared/use-cases/auto-close.js';
import { closeByAgent, replyToCustomer } from '../../shared/use-cases/conversations.js';
import { dayFigures, parseDay } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { startConversation } from '../../shared/use-cases/start-conversation.js';
import { aConversation } from '../support/builders.js';
import { coreHarness, storeKinds, testSeed } from '../support/core.js';

const seconds = (n: number) => n * 1000;

describe('the 90th percentile', () => {
  it('is the nearest rank: the smallest value that nine in ten do not exceed', () => {
    expect(percentile([100, 10, 90, 20, 80, 30, 70, 40, 60, 50], 0.9)).toBe(90);
    expect(percentile([30, 120], 0.9)).toBe(120);
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile([], 0.9)).toBeNull();
  });
});

describe.each(storeKinds)("a day's figures (%s)", (_kind, makeStore) => {
  /**
   * A scripted day on the support channel, general queue (target 60 s), Alice alone:
   * - 09:00 Ann texts; Alice gets it, replies after 30 s, closes at 09:10:30 (handle 630 s);
   * - 09:20 Ben texts; Alice replies after 120 s, then nobody writes;
   * - 09:30 Cy texts; Alice gets it and never answers; at 10:01 auto-close ends Cy's (never
   *   answered, handled 1860 s) and Ben's (answered, handled 09:20 to 10:01: 2460 s);
   * - 10:05 Alice starts a conversation with Dee herself (not received).
   * The day before, Eve texted (not this day's; auto-close ends it unanswered at 10:01).
   */
  async function scriptedDay() {
    const h = coreHarness(makeStore());
    h.deps.directory = new Directory(testSeed.channels, [
      { id: 'general', name: 'General', distribution: 'push', serviceLevelSeconds: 60 },
      { id: 'billing', name: 'Billing', distribution: 'push', serviceLevelSeconds: 120 },
    ]);
    await h.addAgent({ id: 'alice', capacity: 5 });
    h.clock.set(new Date('2026-11-22T23:59:00.000Z'));
    await receiveInbound(h.deps, h.sms({ from: '+14255550105', text: 'yesterday' }));
    await autoCloseIdle(h.deps);

    const texts = async (from: string, at: string) => {
      h.clock.set(new Date(at));
      const outcome = await receiveInbound(h.deps, h.sms({ from, text: 'Hello' }));
      if (outcome.status !== 'stored') throw new Error('not stored');
      await assignQueue(h.deps, 'general');
      return outcome.conversationId;
    };
    const reply = async (conversationId: string, afterSeconds: number) => {
      h.clock.advance(seconds(afterSeconds));
      await replyToCustomer(h.deps, { conversationId, agentId: 'alice', text: 'Hi, Alice here' });
    };

    const ann = await texts('+14255550101', '2026-11-23T09:00:00.000Z');
    await reply(ann, 30);
    await reply(ann, 60);
    h.clock.set(new Date('2026-11-23T09:10:30.000Z'));
    await closeByAgent(h.deps, { conversationId: ann, agentId: 'alice' });

    const ben = await texts('+14255550102', '2026-11-23T09:20:00.000Z');
    await reply(ben, 120);

    await texts('+14255550103', '2026-11-23T09:30:00.000Z');
    h.clock.set(new Date('2026-11-23T10:01:00.000Z'));
    await autoCloseIdle(h.deps);

    h.clock.set(new Date('2026-11-23T10:05:00.000Z'));
    await startConversation(h.deps, {
      agentId: 'alice',
      channelId: 'support',
      to: '+14255550104',
      text: 'Your order shipped',
    });
    return h;
  }

  it('counts received, answered and auto-closed unanswered, with waits, handle time and service level', async () => {
    const h = await scriptedDay();
    const figures = await dayFigures(h.deps, '2026-11-23');
    expect(figures.date).toBe('2026-11-23');
    const expected = {
      received: 3,
      answered: 2,
      autoClosedUnanswered: 1,
      averageWaitSeconds: 75,
      p90WaitSeconds: 120,
      averageHandleSeconds: (630 + 2460 + 1860) / 3,
      serviceLevel: { targetSeconds: 60, share: 0.333 },
      wrapUpCodes: {},
    };
    expect(figures.queues.find((q) => q.queueId === 'general')).toEqual({ queueId: 'general', ...expected });
    expect(figures.channels.find((c) => c.channelId === 'support')).toEqual({
      channelId: 'support',
      ...expected,
    });
  });

  it('lists quiet queues and channels with nothing received, under their own target', async () => {
    const h = await scriptedDay();
    const figures = await dayFigures(h.deps, '2026-11-23');
    expect(figures.queues.find((q) => q.queueId === 'billing')).toEqual({
      queueId: 'billing',
      received: 0,
      answered: 0,
      autoClosedUnanswered: 0,
      averageWaitSeconds: null,
      p90WaitSeconds: null,
      averageHandleSeconds: null,
      serviceLevel: { targetSeconds: 120, share: null },
      wrapUpCodes: {},
    });
    expect(figures.channels.map((c) => c.channelId).sort()).toEqual(['alerts', 'support']);
  });

  it('counts a conversation on the day a customer opened it, and today by default', async () => {
    const h = await scriptedDay();
    const dayBefore = await dayFigures(h.deps, '2026-11-22');
    expect(dayBefore.queues.find((q) => q.queueId === 'general')).toMatchObject({
      received: 1,
      answered: 0,
      autoClosedUnanswered: 1,
    });
    expect((await dayFigures(h.deps, null)).date).toBe('2026-11-23');
  });

  it('refuses a date that is not a day', async () => {
    const h = coreHarness(makeStore());
    for (const date of ['2026-13-01', '2026-02-30', 'today', '2026-1-1']) {
      await expect(dayFigures(h.deps, date)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('a day to count', () => {
  it('is the UTC day given, from its midnight to the next', () => {
    expect(parseDay('2026-02-28', new Date('2026-11-23T09:00:00.000Z'))).toEqual({
      date: '2026-02-28',
      from: '2026-02-28T00:00:00.000Z',
      before: '2026-03-01T00:00:00.000Z',
    });
  });

  it('is today when none or an empty one is given', () => {
    const now = new Date('2026-11-23T23:59:59.999Z');
    expect(parseDay(null, now).date).toBe('2026-11-23');
    expect(parseDay('', now).date).toBe('2026-11-23');
  });

  it.each(['2026-11-23T00:00', 'x2026-11-23', '2026-11-234', '2026-02-29'])('is refused as %s', (value) => {
    const error = (() => {
      try {
        parseDay(value, new Date('2026-11-23T09:00:00.000Z'));
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(`date ${value} is not a day written YYYY-MM-DD`);
    expect(error.issues).toEqual([{ path: 'date', message: 'YYYY-MM-DD' }]);
  });
});

describe("a day's figures over many conversations", () => {
  it('read the day a page of 500 at a time, following the continuation to the end', async () => {
    const h = coreHarness();
    const pages: { limit: number; continuation?: string }[] = [];
    const conversation = (id: string, queueId: string, channelId: string) => ({
      value: aConversation({ id, queueId, channelId, createdAt: '2026-11-23T08:00:00.000Z' }),
      etag: 'e',
    });
    h.store.searchConversations = async (_search, page) => {
      pages.push(page);
      return page.continuation === undefined
        ? { conversations: [conversation('c1', 'general', 'support')], continuation: 'page-2' }
        : { conversations: [conversation('c2', 'retired', 'old-channel')] };
    };
    const figures = await dayFigures(h.deps, '2026-11-23');
    expect(pages).toEqual([{ limit: 500 }, { limit: 500, continuation: 'page-2' }]);
    expect(figures.queues.map((q) => [q.queueId, q.received])).toEqual([
      ['general', 1],
      ['billing', 0],
      ['retired', 1],
    ]);
    // A queue no longer configured is counted under the default target.
    expect(figures.queues.find((q) => q.queueId === 'retired')?.serviceLevel.targetSeconds).toBe(60);
    expect(figures.channels.map((c) => [c.channelId, c.received])).toEqual([
      ['support', 1],
      ['alerts', 0],
      ['old-channel', 1],
    ]);
  });
});
