import { Worker } from 'node:worker_threads';
import type { LiveMessage } from '../shared/domain/live.js';
import type { OutgoingMessage, QueueName, QueueSender } from '../shared/ports.js';
import type { CompletedMessage } from './consumer.js';
import type { MetricRecord } from './forwarded-metrics.js';
import { threadUrl } from './thread-url.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

export interface BridgeHooks {
  log: (line: string) => void;
  completed?: (message: CompletedMessage) => void;
  /** A change the queue thread made, for the HTTP thread's live stream. */
  live?: (groups: string[], message: LiveMessage) => void;
  /** Figures the queue thread recorded, for the HTTP thread's metrics endpoint. */
  metrics?: (records: MetricRecord[]) => void;
  /** The queue thread's sync of accepted work failed (the error's text): it refuses all work now. */
  syncFailed?: (message: string) => void;
}

interface Waiting {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The HTTP thread's side of the queue thread: a QueueSender whose sends resolve once the queue
 * thread has committed them, plus timer invocations, clock moves and a clean stop.
 */
export class WorkerBridge implements QueueSender {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextRequest = 1;
  private stopped: Promise<void> | undefined;
  private onStopped: (() => void) | undefined;

  private constructor(
    setup: WorkerSetup,
    private readonly hooks: BridgeHooks,
  ) {
    this.worker = new Worker(threadUrl('worker.js'), { workerData: setup });
  }

  static async start(setup: WorkerSetup, hooks: BridgeHooks): Promise<WorkerBridge> {
    const bridge = new WorkerBridge(setup, hooks);
    await new Promise<void>((resolve, reject) => {
      // The queue thread sends several messages at once as an array (local/worker-outbox.ts).
      bridge.worker.on('message', (messages: FromWorker | FromWorker[]) => {
        for (const message of Array.isArray(messages) ? messages : [messages]) {
          if (message.type === 'started') resolve();
          else if (message.type === 'start-failed') reject(new Error(message.message));
          else bridge.receive(message);
        }
      });
      bridge.worker.once('error', reject);
      bridge.worker.on('error', (error) => bridge.failAll(error));
      bridge.worker.once('exit', (code) => {
        bridge.failAll(new Error(`the queue thread exited (code ${code})`));
        bridge.onStopped?.();
        reject(new Error(`the queue thread exited during start-up (code ${code})`));
      });
    });
    return bridge;
  }

  private receive(message: FromWorker) {
    switch (message.type) {
      case 'sent':
      case 'invoked':
      case 'refreshed': {
        const waiting = this.waiting.get(message.requestId);
        this.waiting.delete(message.requestId);
        if (message.error === undefined) waiting?.resolve();
        else waiting?.reject(new Error(message.error));
        break;
      }
      case 'completed':
        this.hooks.completed?.(message.message);
        break;
      case 'log':
        this.hooks.log(message.line);
        break;
      case 'live':
        this.hooks.live?.(message.groups, message.message);
        break;
      case 'metrics':
        this.hooks.metrics?.(message.records);
        break;
      case 'sync-failed':
        this.hooks.syncFailed?.(message.message);
        break;
      case 'batch':
        for (const each of message.messages) this.receive(each);
        break;
      case 'stopped':
        this.onStopped?.();
        break;
    }
  }

  private failAll(error: Error) {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  private request(make: (requestId: number) => ToWorker): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the local host is stopping'));
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.waiting.set(requestId, { resolve, reject });
      this.worker.postMessage(make(requestId));
    });
  }

  send(queue: QueueName, message: OutgoingMessage): Promise<void> {
    return this.request((requestId) => ({ type: 'send', requestId, queue, message }));
  }

  /** One message to the queue thread for the whole batch, committed there in one transaction. */
  sendBatch(queue: QueueName, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.request((requestId) => ({ type: 'send-batch', requestId, queue, messages }));
  }

  invoke(name: string): Promise<void> {
    return this.request((requestId) => ({ type: 'invoke', requestId, name }));
  }

  /** Has the queue thread re-read the configuration; resolves once it has. */
  configurationChanged(): Promise<void> {
    return this.request((requestId) => ({ type: 'configuration-changed', requestId }));
  }

  setClock(at: Date): void {
    this.worker.postMessage({ type: 'clock', at: at.getTime() } satisfies ToWorker);
  }

  /** Finishes the invocations in flight, commits pending sends and ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.onStopped = resolve;
      this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    });
    return this.stopped;
  }
}
