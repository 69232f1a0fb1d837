import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../shared/adapters/clocks.js';

/** Other work, due at the event loop's next turn: has it run yet? */
function scheduledNow() {
  const work = { ran: false };
  setImmediate(() => {
    work.ran = true;
  });
  return work;
}

/** The pacing clock of every deployment: a send must never go before its slot. */
describe('the system clock', () => {
  it('gives the wall clock with its fraction: the whole milliseconds are what Date.now() says', () => {
    const clock = new SystemClock();
    for (let i = 0; i < 1000; i++) {
      const before = Date.now();
      const precise = clock.nowMs();
      const after = Date.now();
      expect(precise).toBeGreaterThanOrEqual(before);
      expect(precise).toBeLessThan(after + 1);
    }
  });

  it('waits out a wait shorter than a millisecond, never less (a timer would take a whole one or more)', async () => {
    const clock = new SystemClock();
    for (const ms of [0.05, 0.3, 0.9]) {
      const start = performance.now();
      await clock.sleep(ms);
      expect(performance.now() - start).toBeGreaterThanOrEqual(ms);
    }
  });

  it('never wakes before the time asked, though a timer counts whole milliseconds from the one it starts in', async () => {
    const clock = new SystemClock();
    for (let i = 0; i < 100; i++) {
      // Start each wait at another fraction of a millisecond.
      const offset = performance.now() + (i % 10) / 10;
      while (performance.now() < offset) {}
      const start = performance.now();
      await clock.sleep(2.5);
      expect(performance.now() - start).toBeGreaterThanOrEqual(2.5);
    }
  });

  it('lets other work run while it waits under a millisecond', async () => {
    const otherWork = scheduledNow();
    await new SystemClock().sleep(0.5);
    expect(otherWork.ran).toBe(true);
  });

  it('does not wait for a wait of zero or less', async () => {
    const clock = new SystemClock();
    const otherWork = scheduledNow();
    await clock.sleep(0);
    await clock.sleep(-3);
    expect(otherWork.ran).toBe(false);
  });
});
