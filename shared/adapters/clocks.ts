import type { PacingClock } from '../ports.js';

export class SystemClock implements PacingClock {
  /** performance.now() plus this is the wall clock, to within the millisecond Date.now() gives. */
  private offset = Date.now() - performance.now();

  now(): Date {
    return new Date();
  }

  nowMs(): number {
    const wall = Date.now();
    const precise = this.offset + performance.now();
    if (precise >= wall && precise < wall + 1) return precise;
    // The wall clock was set or slewed: take its millisecond and count the fraction from here.
    this.offset = wall - performance.now();
    return wall;
  }

  /**
   * Never wakes before the time asked: a send must not go before its slot. A timer counts whole
   * milliseconds from the one it was set in, so it can fire up to one early (setTimeout(3) measured
   * 2.2 ms) and cannot wait less than one: a wait is set one millisecond longer, and what is left
   * under a millisecond is taken in turns of the event loop (other work runs in each). At a send
   * slot every millisecond, whole-millisecond timers lost part of most slots (docs/decisions.md,
   * "Send pace, to the fraction of a millisecond").
   */
  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    const until = performance.now() + ms;
    return new Promise((resolve) => {
      const turn = () => (performance.now() >= until ? resolve() : setImmediate(turn));
      if (ms < 1) setImmediate(turn);
      else setTimeout(turn, ms + 1);
    });
  }
}

/**
 * A clock that only moves when told to, for tests and for trying auto-close and schedules locally
 * without waiting (the local host exposes it when SMS_CLOCK=manual).
 */
export class ManualClock implements PacingClock {
  private current: number;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  /** Moves on by `ms`, a fraction of a millisecond included (the pace counts them). */
  advance(ms: number): Date {
    this.moveTo(this.current + ms);
    return this.now();
  }

  async sleep(ms: number): Promise<void> {
    this.advance(ms);
  }

  set(at: Date): void {
    this.moveTo(at.getTime());
  }

  private moveTo(ms: number): void {
    this.current = ms;
    for (const listener of this.listeners) listener(this.now());
  }

  /** Calls `listener` on every move (the local host keeps its queue thread's clock in step). */
  onChange(listener: (now: Date) => void): void {
    this.listeners.add(listener);
  }
}
