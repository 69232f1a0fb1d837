import type { Clock } from '../ports.js';

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * A clock that only moves when told to, for tests and for trying auto-close and schedules locally
 * without waiting (the local host exposes it when SMS_CLOCK=manual).
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): Date {
    this.set(new Date(this.current + ms));
    return this.now();
  }

  async sleep(ms: number): Promise<void> {
    this.advance(ms);
  }

  set(at: Date): void {
    this.current = at.getTime();
    for (const listener of this.listeners) listener(this.now());
  }

  /** Calls `listener` on every move (the local host keeps its queue thread's clock in step). */
  onChange(listener: (now: Date) => void): void {
    this.listeners.add(listener);
  }
}
