import { ManualClock } from '../../shared/adapters/clocks.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteStore } from '../../shared/adapters/sqlite-store.js';
import { Directory } from '../../shared/domain/directory.js';
import type { InboundSms } from '../../shared/domain/inbound-sms.js';
import type { Message } from '../../shared/domain/message.js';
import { type PhoneNumber, parsePhoneNumber } from '../../shared/domain/phone.js';
import { parseSeed } from '../../shared/domain/seed.js';
import type { SendError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import type {
  IdGenerator,
  OutgoingMessage,
  QueueName,
  QueueSender,
  SendRequest,
  SmsSender,
  Store,
} from '../../shared/ports.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import type { CoreDeps } from '../../shared/use-cases/deps.js';
import { anAgent, CUSTOMER, SUPPORT_NUMBER } from './builders.js';
import { MemoryStore } from './memory-store.js';
import { RecordingMetrics } from './recording-metrics.js';

/** A queue sender that only records what it was given. */
export class RecordingQueue implements QueueSender {
  readonly sent: { queue: QueueName; message: OutgoingMessage }[] = [];
  /** How many messages each sendBatch call carried, in order. */
  readonly batches: number[] = [];
  async send(queue: QueueName, message: OutgoingMessage) {
    this.sent.push({ queue, message: structuredClone(message) });
  }
  async sendBatch(queue: QueueName, messages: readonly OutgoingMessage[]) {
    this.batches.push(messages.length);
    for (const message of messages) this.sent.push({ queue, message: structuredClone(message) });
  }
  on(queue: QueueName) {
    return this.sent.filter((s) => s.queue === queue).map((s) => s.message);
  }
}

export class SequentialIds implements IdGenerator {
  private n = 0;
  next() {
    this.n += 1;
    return `id-${this.n}`;
  }
}

/** An SMS provider that records sends, remembers idempotency keys, and fails when told to. */
export class FakeSender implements SmsSender {
  readonly provider = 'local';
  idempotent = true;
  readonly sends: SendRequest[] = [];
  private readonly byKey = new Map<string, string>();
  failures: SendError[] = [];

  async checkCredentials() {
    return { ok: true, detail: 'fake' };
  }

  async send(request: SendRequest) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const known = this.byKey.get(request.idempotencyKey);
    if (known) return { providerMessageId: known };
    this.sends.push(request);
    const providerMessageId = `fake-${this.sends.length}`;
    this.byKey.set(request.idempotencyKey, providerMessageId);
    return { providerMessageId };
  }
}

export const testSeed = parseSeed(
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
        id: 'alerts',
        name: 'Alerts',
        numbers: ['+14255550199'],
        provider: 'local',
        direction: 'outbound-only',
        defaultQueueId: 'general',
      },
    ],
    queues: [
      { id: 'general', name: 'General' },
      { id: 'billing', name: 'Billing' },
    ],
  },
  { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 },
);

export const storeKinds: [string, () => Store][] = [
  ['in-memory store', () => new MemoryStore()],
  ['SQLite store', () => new SqliteStore(openSqlite(':memory:'))],
];

/** The deployment secret erased customers' opt-outs are hashed with, in tests. */
export const TEST_ERASURE_KEY = 'test-erasure-key-0123456789-abcdefghij';

export interface CoreHarness {
  deps: CoreDeps;
  store: Store;
  queue: RecordingQueue;
  clock: ManualClock;
  sender: FakeSender;
  logs: string[];
  metrics: RecordingMetrics;
  sms(overrides?: Partial<Omit<InboundSms, 'from'>> & { from?: string }): InboundSms;
  addAgent(overrides?: Parameters<typeof anAgent>[0]): Promise<void>;
}

export function coreHarness(store: Store = new MemoryStore()): CoreHarness {
  const queue = new RecordingQueue();
  const clock = new ManualClock(new Date('2026-11-23T09:00:00.000Z'));
  const sender = new FakeSender();
  const logs: string[] = [];
  const metrics = new RecordingMetrics();
  const deps: CoreDeps = {
    store,
    queue,
    directory: new Directory(testSeed.channels, testSeed.queues),
    clock,
    ids: new SequentialIds(),
    logger: createLogger((line) => logs.push(line), 'debug'),
    metrics,
    senders: { forChannel: () => sender, prepare: async () => {} },
    configurationChanged: async () => {},
    limits: { autoClose: { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 } },
    sendRates: { longCode: 1, tollFree: 3, shortCode: 100 },
    pacingClock: clock,
    erasureKey: TEST_ERASURE_KEY,
  };
  let n = 0;
  return {
    deps,
    store,
    queue,
    clock,
    sender,
    logs,
    metrics,
    sms: (overrides = {}) => {
      n += 1;
      const providerMessageId = overrides.providerMessageId ?? `p${n}`;
      return {
        id: `local:${providerMessageId}`,
        provider: 'local',
        providerMessageId,
        to: SUPPORT_NUMBER,
        text: `message ${n}`,
        media: [],
        receivedAt: clock.now().toISOString(),
        ...overrides,
        from: (overrides.from ? parsePhoneNumber(overrides.from) : CUSTOMER) as PhoneNumber,
      };
    },
    addAgent: async (overrides = {}) => {
      await store.createAgent(anAgent(overrides));
    },
  };
}

/**
 * What the outbound worker does with a notification's queued messages: stores and sends each (a
 * notification's messages are stored by the worker, not on the request path). Sent ones are skipped.
 */
export async function deliverQueuedNotifications(h: CoreHarness): Promise<void> {
  for (const queued of h.queue.on('sms-outbound')) {
    const message = queued.body as Message;
    if (message.purpose !== 'notification') continue;
    await deliverOutbound(h.deps, message, { deliveryCount: 1, maxDeliveryCount: 10 });
  }
}
