import { describe, expect, it } from 'vitest';
import { outboundSession, sendLanes, slotSpacingUs } from '../../shared/domain/send-lanes.js';
import { paceRecord, type SenderPace, takeSlot } from '../../shared/domain/sender-pace.js';
import { RateWindow } from '../../stand-ins/rate-window.js';

const number = '+18005550100';
const customers = Array.from({ length: 1000 }, (_, n) => `+1425555${String(1000 + n).padStart(4, '0')}`);

describe('the lanes of a sending number', () => {
  it.each([
    [1, 1],
    [3, 1],
    [100, 1],
    [199, 1],
    [200, 2],
    [1000, 10],
    [5000, 16],
  ])('a number sending %i a second has %i', (rate, lanes) => {
    expect(sendLanes(rate)).toBe(lanes);
  });

  it('are the number itself when it has one: its session is the number, as before lanes', () => {
    expect(outboundSession(number, '+14255551234', 1)).toBe(number);
  });

  it('keep each customer in one lane, the same on every instance and in every release', () => {
    expect(outboundSession(number, '+14255551234', 10)).toBe(outboundSession(number, '+14255551234', 10));
    // Changing the hash would move customers between lanes while their texts are queued.
    expect(outboundSession(number, '+14255551234', 10)).toBe('+18005550100/lane-3');
    expect(outboundSession(number, '+14255551235', 10)).toBe('+18005550100/lane-4');
  });

  it('spread customers over every lane', () => {
    const counts = new Map<string, number>();
    for (const customer of customers) {
      const session = outboundSession(number, customer, 10);
      counts.set(session, (counts.get(session) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const count of counts.values()) expect(count).toBeGreaterThan(60);
  });

  it('space the slots for rate - lanes + 1 a second, in whole microseconds rounded up', () => {
    expect(slotSpacingUs(100, 1)).toBe(10_000);
    expect(slotSpacingUs(3, 1)).toBe(333_334);
    expect(slotSpacingUs(1000, 10)).toBe(1010);
  });
});

/** An instant at the epoch's scale, where a double keeps a millisecond's fraction to 0.24 µs. */
const EPOCH_START = Date.parse('2026-12-03T18:00:00.000Z');

/**
 * Texts of one number through `lanes` sessions, each sending its next only once the provider has
 * answered its last, with slots taken from one pace record. A text reaches the provider `delay(slot)`
 * ms after its slot, and the answer is back 0.05 ms after that. Answers every arrival (ms).
 */
function arrivalsOf(lanes: number, spacingUs: number, delay: (slotMs: number) => number, texts: number) {
  let pace: SenderPace | undefined;
  const freeAt = Array.from({ length: lanes }, () => EPOCH_START);
  const arrivals: number[] = [];
  for (let i = 0; i < texts; i++) {
    // The lane free first takes the next text, and takes its slot when it is free.
    const lane = freeAt.indexOf(Math.min(...freeAt));
    const { slotUs, nextUs } = takeSlot(freeAt[lane] ?? EPOCH_START, pace, spacingUs);
    pace = paceRecord(number, nextUs);
    const arrival = slotUs / 1000 + delay(slotUs / 1000);
    arrivals.push(arrival);
    freeAt[lane] = arrival + 0.05;
  }
  return arrivals.sort((a, b) => a - b);
}

/** The most arrivals any sliding second (t - 1000, t] holds, as a provider counts them. */
function busiestSecond(sorted: number[]): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** How many the Twilio stand-in's window refuses of those arrivals. */
const refused = (sorted: number[], rate: number) => {
  const window = new RateWindow(rate);
  return sorted.filter((at) => !window.take(number, at)).length;
};

/** A quarter of a millisecond on the way, and for one text in fifty a stall of up to 25 ms. */
function stalls(seed: number) {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  return () => (random() < 0.02 ? random() * 25 : 0.25);
}

describe('a number sending through lanes, as the provider counts it', () => {
  const rate = 1000;
  const lanes = sendLanes(rate);
  // Two seconds in, every lane's text from the last 10 ms before the instant arrives just after it,
  // while the texts after it keep their slots: the worst a stall can do.
  const stallAt = EPOCH_START + 2000;
  const worst = (slot: number) => (slot >= stallAt - 10 && slot < stallAt ? stallAt - slot + 0.001 : 0.05);

  it('never has more than rate + 1 arrivals in a second, in the worst stall', () => {
    const arrivals = arrivalsOf(lanes, slotSpacingUs(rate, lanes), worst, 5000);
    expect(busiestSecond(arrivals)).toBeLessThanOrEqual(rate + 1);
    expect(refused(arrivals, rate)).toBe(0);
  });

  it('would have rate + lanes in a second after that stall with its slots spaced for the full rate', () => {
    const arrivals = arrivalsOf(lanes, slotSpacingUs(rate, 1), worst, 5000);
    expect(busiestSecond(arrivals)).toBe(rate + lanes);
    expect(refused(arrivals, rate)).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('is never refused with random stalls on the way (run %i)', (seed) => {
    const arrivals = arrivalsOf(lanes, slotSpacingUs(rate, lanes), stalls(seed), 20_000);
    expect(refused(arrivals, rate)).toBe(0);
  });

  it.each([3, 101, 250, 700])(
    'keeps %i a second to at most rate + 1 in any second, over many seconds at the epoch’s scale',
    (r) => {
      const arrivals = arrivalsOf(sendLanes(r), slotSpacingUs(r, sendLanes(r)), () => 0, r * 5);
      expect(busiestSecond(arrivals)).toBeLessThanOrEqual(r - sendLanes(r) + 1);
    },
  );

  it('sends at 990 a second when nothing stalls', () => {
    const arrivals = arrivalsOf(lanes, slotSpacingUs(rate, lanes), () => 0.05, 2000);
    // Slots 1010 µs apart: 2000 texts in 2019 ms.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeCloseTo(1999 * 1.01, 3);
  });
});
