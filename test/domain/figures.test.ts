import { describe, expect, it } from 'vitest';
import type { Conversation, Transition } from '../../shared/domain/conversation.js';
import {
  computeFigures,
  percentile,
  receivedFromCustomer,
  waitSeconds,
} from '../../shared/domain/figures.js';
import { aConversation } from '../support/builders.js';

const OPENED = '2026-11-23T09:00:00.000Z';
/** Seconds after the conversation opened, as an ISO time. */
const secondsIn = (seconds: number) => new Date(Date.parse(OPENED) + seconds * 1000).toISOString();

const step = (to: Transition['to'], atSeconds: number, by: string, reason: string): Transition => ({
  from: null,
  to,
  at: secondsIn(atSeconds),
  by,
  reason,
});

/** A conversation a customer opened at OPENED, with the steps and fields given. */
function texted(steps: Transition[] = [], overrides: Partial<Conversation> = {}): Conversation {
  const base = aConversation({ createdAt: OPENED });
  return { ...base, history: [...base.history.map((t) => ({ ...t, at: OPENED })), ...steps], ...overrides };
}

/** Answered after `wait` seconds by Alice, assigned at 10 s, closed by her at `closedAt` seconds. */
function answered(wait: number, closedAt?: number): Conversation {
  return texted(
    [
      step('active', 10, 'system', 'assigned'),
      ...(closedAt === undefined ? [] : [step('closed', closedAt, 'agent:alice', 'closed by agent')]),
    ],
    {
      firstAgentReplyAt: secondsIn(wait),
      closedAt: closedAt === undefined ? null : secondsIn(closedAt),
    },
  );
}

const sixty = () => 60;

describe('which conversations count as received', () => {
  it('counts one a customer opened', () => {
    expect(receivedFromCustomer(texted())).toBe(true);
  });

  it('leaves out one an agent started', () => {
    const started = texted([], {
      history: [{ from: null, to: 'active', at: OPENED, by: 'agent:alice', reason: 'started by agent' }],
    });
    expect(receivedFromCustomer(started)).toBe(false);
  });

  it('leaves out one whose first step is the customer’s but not an opening', () => {
    const odd = texted([], {
      history: [{ from: null, to: 'closed', at: OPENED, by: 'customer', reason: 'first message' }],
    });
    expect(receivedFromCustomer(odd)).toBe(false);
  });

  it('leaves out the trail of a consent keyword, but not another close', () => {
    expect(receivedFromCustomer(texted([step('closed', 1, 'customer', 'consent keyword')]))).toBe(false);
    expect(receivedFromCustomer(texted([step('closed', 1, 'customer', 'opted out')]))).toBe(true);
    expect(receivedFromCustomer(texted([step('wrap-up', 1, 'system', 'consent keyword')]))).toBe(true);
  });

  it('leaves out one without history', () => {
    expect(receivedFromCustomer(texted([], { history: [] }))).toBe(false);
  });
});

describe('the wait', () => {
  it('runs from the first message to the first agent reply', () => {
    expect(waitSeconds(answered(42.5))).toBe(42.5);
  });

  it('is unknown while no agent has replied', () => {
    expect(waitSeconds(texted())).toBeUndefined();
  });

  it('is never negative, whatever the clocks said', () => {
    expect(waitSeconds(answered(-5))).toBe(0);
  });
});

describe('percentiles', () => {
  it('takes the nearest rank, not an interpolation', () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(percentile([10, 20, 30, 40], 0.75)).toBe(30);
    expect(percentile([10, 20, 30, 40], 1)).toBe(40);
    expect(percentile([40, 10, 30, 20], 0)).toBe(10);
  });
});

describe("a set of conversations' figures", () => {
  it('is empty, not zero, over no conversations', () => {
    expect(computeFigures([], sixty)).toEqual({
      received: 0,
      answered: 0,
      autoClosedUnanswered: 0,
      averageWaitSeconds: null,
      p90WaitSeconds: null,
      averageHandleSeconds: null,
      serviceLevel: { targetSeconds: null, share: null },
      wrapUpCodes: {},
    });
  });

  it('counts received and answered, averaging the waits to a tenth of a second', () => {
    const figures = computeFigures([answered(10), answered(20), answered(30.3), texted()], sixty);
    expect(figures).toMatchObject({ received: 4, answered: 3, averageWaitSeconds: 20.1 });
    expect(figures.p90WaitSeconds).toBe(30.3);
  });

  it('rounds the 90th percentile to a tenth of a second', () => {
    expect(computeFigures([answered(12.345)], sixty).p90WaitSeconds).toBe(12.3);
  });

  it('averages handle time from the assignment to the close, over closed conversations an agent had', () => {
    const figures = computeFigures(
      [answered(20, 110), answered(20, 210), answered(20), texted([], { closedAt: secondsIn(50) })],
      sixty,
    );
    expect(figures.averageHandleSeconds).toBe(150);
  });

  it('never counts a negative handle time', () => {
    expect(computeFigures([answered(20, 5)], sixty).averageHandleSeconds).toBe(0);
  });

  it('counts conversations auto-close ended before any agent replied', () => {
    const autoClosed = (reason: string, by = 'system') => texted([step('closed', 900, by, reason)]);
    const figures = computeFigures(
      [
        autoClosed('auto-close: idle for 15 minutes'),
        autoClosed('auto-close'),
        autoClosed('customer erased'),
        autoClosed('auto-close', 'agent:alice'),
        texted([step('wrap-up', 900, 'system', 'auto-close')]),
        { ...autoClosed('auto-close'), firstAgentReplyAt: secondsIn(30) },
      ],
      sixty,
    );
    expect(figures.autoClosedUnanswered).toBe(2);
  });

  it('counts a reply exactly at the target as within it, and rounds the share to a thousandth', () => {
    const figures = computeFigures([answered(60), answered(61), texted()], sixty);
    expect(figures.serviceLevel).toEqual({ targetSeconds: 60, share: 0.333 });
  });

  it('gives no single target when the conversations’ queues have different ones', () => {
    const billing = { ...answered(90), queueId: 'billing' };
    const targetOf = (c: Conversation) => (c.queueId === 'billing' ? 120 : 60);
    expect(computeFigures([answered(30), billing], targetOf).serviceLevel).toEqual({
      targetSeconds: null,
      share: 1,
    });
    expect(computeFigures([billing], targetOf).serviceLevel).toEqual({ targetSeconds: 120, share: 1 });
  });

  it('leaves conversations customers did not open out of every figure but the wrap-up codes', () => {
    const started: Conversation = {
      ...answered(5, 100),
      history: [{ from: null, to: 'active', at: OPENED, by: 'agent:alice', reason: 'started by agent' }],
      wrapUp: { code: 'sale', at: secondsIn(100), by: 'agent:alice' },
    };
    const figures = computeFigures(
      [started, { ...answered(30), wrapUp: { code: 'sale', at: OPENED, by: 'x' } }],
      sixty,
    );
    expect(figures).toMatchObject({ received: 1, answered: 1, averageWaitSeconds: 30 });
    expect(figures.wrapUpCodes).toEqual({ sale: 2 });
  });
});
