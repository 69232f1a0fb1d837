import type { FromWorker } from './worker-protocol.js';

/** Answers someone on the HTTP thread is waiting for: sent at once, with whatever else is queued. */
const ANSWERS = new Set<FromWorker['type']>([
  'started',
  'start-failed',
  'sent',
  'invoked',
  'refreshed',
  'stopped',
]);

/**
 * The queue thread's messages to the HTTP thread, several to a `postMessage`: each call costs a
 * copy and a wake-up of the other thread whatever it carries, and under load the queue thread
 * made several per inbound message (its acceptance, each live change, its completion). Answers go
 * out at the end of the current turn (a group commit's acceptances resolve together, so they go
 * in one message); notices (live changes, logs, figures) wait for the thread's next free turn, a
 * few milliseconds at most, and go with them. Order is kept.
 */
export class WorkerOutbox {
  private queued: FromWorker[] = [];
  private answerDue = false;
  private noticeDue = false;

  constructor(private readonly send: (message: FromWorker | FromWorker[]) => void) {}

  post(message: FromWorker): void {
    this.queued.push(message);
    if (ANSWERS.has(message.type)) {
      if (this.answerDue) return;
      this.answerDue = true;
      queueMicrotask(() => {
        this.answerDue = false;
        this.flush();
      });
    } else if (!this.noticeDue) {
      this.noticeDue = true;
      setImmediate(() => {
        this.noticeDue = false;
        this.flush();
      });
    }
  }

  /** Sends everything queued now (also before the thread's port closes). */
  flush(): void {
    if (this.queued.length === 0) return;
    const messages = this.queued;
    this.queued = [];
    this.send(messages.length === 1 ? (messages[0] as FromWorker) : messages);
  }
}
