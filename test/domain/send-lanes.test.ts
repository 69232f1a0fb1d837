import { describe, expect, it } from 'vitest';
import { outboundSession, sendLanes, slotSpacingMs } from '../../shared/domain/send-lanes.js';
import { type SenderPace, takeSlot } from '../../shared/domain/sender-pace.js';
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

  it('space the slots for rate - lanes + 1 a second, rounded up to the microsecond', () => {
    expect(slotSpacingMs(100, 1)).toBe(10);
    expect(slotSpacingMs(3, 1)).toBe(333.334);
    expect(slotSpacingMs(1000, 10)).toBe(1.01);
  });
});

/**
 * Texts of one number through `lanes` sessions, each sending its next only once the provider has
 * answered its last, with slots taken from one pace record. Each text takes `delay(i)` ms to reach
 * the provider (and as long again for the answer to come back); the provider counts arrivals in a
 * sliding second, as carriers and our Twilio stand-in do. Answers how many it refused.
 */
function refusedBy(
  rate: number,
  lanes: number,
  spacing: number,
  delay: (i: number) => number,
  texts: number,
) {
  let pace: SenderPace | undefined;
  const freeAt = Array.from({ length: lanes }, () => 0);
  const arrivals: number[] = [];
  for (let i = 0; i < texts; i++) {
    // The lane free first takes the next text; its slot is taken when it is free.
    const lane = freeAt.indexOf(Math.min(...freeAt));
    const { slot, next } = takeSlot(freeAt[lane] ?? 0, pace, spacing);
    pace = { number, nextSlotAt: new Date(Math.ceil(next)).toISOString(), nextSlotMs: next };
    const arrival = slot + delay(i);
    arrivals.push(arrival);
    freeAt[lane] = arrival + delay(i);
  }
  const window = new RateWindow(rate);
  return arrivals.sort((a, b) => a - b).filter((at) => !window.take(number, at)).length;
}

/** Mostly a quarter of a millisecond on the way, and now and then a stall of up to 25 ms. */
function stalls(seed: number) {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const delays = Array.from({ length: 30_000 }, () => (random() < 0.02 ? random() * 25 : 0.25));
  return (i: number) => delays[i % delays.length] ?? 0.25;
}

describe('a number sending through lanes, as the provider counts it', () => {
  it.each([1, 2, 3])('is never refused however its texts are delayed on the way (run %i)', (seed) => {
    const rate = 1000;
    const lanes = sendLanes(rate);
    expect(refusedBy(rate, lanes, slotSpacingMs(rate, lanes), stalls(seed), 20_000)).toBe(0);
  });

  it('would be refused after stalls with its slots spaced for the full rate', () => {
    const rate = 1000;
    const lanes = sendLanes(rate);
    expect(refusedBy(rate, lanes, slotSpacingMs(rate, 1), stalls(1), 20_000)).toBeGreaterThan(0);
  });

  it('sends at nearly its full rate when nothing stalls', () => {
    const rate = 1000;
    const lanes = sendLanes(rate);
    const spacing = slotSpacingMs(rate, lanes);
    let pace: SenderPace | undefined;
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const taken = takeSlot(0, pace, spacing);
      pace = { number, nextSlotAt: new Date(Math.ceil(taken.next)).toISOString(), nextSlotMs: taken.next };
      last = taken.slot;
    }
    // 1000 texts in about 1.009 s: 990 a second, 99% of the pace.
    expect(last).toBeCloseTo(999 * 1.01, 6);
  });
});
