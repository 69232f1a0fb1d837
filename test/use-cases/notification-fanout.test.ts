import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import type { Message } from '../../shared/domain/message.js';
import { type Notification, notificationRequestSchema } from '../../shared/domain/notification.js';
import { parsePhoneNumber } from '../../shared/domain/phone.js';
import { queueNames, type Store } from '../../shared/ports.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { notificationStatus, sendNotification } from '../../shared/use-cases/notify.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { type CoreHarness, coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';
import { poolOf } from '../support/pool.js';

const recipients = Array.from({ length: 50 }, (_, i) => `+1206555${String(2000 + i)}`);
const request = (to: string[], text = 'Your parcel arrives today') =>
  notificationRequestSchema.parse({ channelId: 'alerts', to, text });

describe('a notification accepted in one write', () => {
  it('queues all its recipients in one batch and writes one document, however many recipients', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    const notification = await sendNotification(h.deps, request(recipients));
    const writes = counted.operations.filter((operation) => operation.kind === 'write');
    expect(writes.map((write) => write.method)).toEqual(['createNotification']);
    expect(h.queue.batches).toEqual([recipients.length]);
    expect(notification.recipients.every((r) => r.status === 'queued')).toBe(true);
  });

  it('over a pool, remembers the senders of the recipients heard from for the first time in one more write', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    h.deps.directory = poolOf(['+14255550101', '+14255550102']);
    await sendNotification(h.deps, request(recipients));
    const writes = () => counted.operations.filter((operation) => operation.kind === 'write');
    expect(writes().map((write) => write.method)).toEqual([
      'rememberNotificationSenders',
      'createNotification',
    ]);

    counted.reset();
    await sendNotification(h.deps, request(recipients, 'And tomorrow too'));
    expect(writes().map((write) => write.method)).toEqual(['createNotification']);
    expect(h.queue.batches).toEqual([recipients.length, recipients.length]);
  });

  it('gives other work a turn every ten recipients while it plans them, though the store answers at once', async () => {
    const h = coreHarness(new MemoryStore());
    let turns = 0;
    let planning = true;
    const turn = () => {
      if (!planning) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    await sendNotification(h.deps, request(recipients));
    planning = false;
    // 50 recipients: a turn before the 11th, 21st, 31st and 41st, and no more (each costs a turn of
    // the event loop).
    expect(turns).toBe(4);
  });

  it('still refuses an opted-out recipient and queues only the others, in the same one batch', async () => {
    const h = coreHarness();
    const [out = '', ...others] = recipients.slice(0, 4);
    await setConsent(h.deps, 'alerts', parsePhoneNumber(out), true, 'STOP');
    const notification = await sendNotification(h.deps, request([out, ...others]));
    expect(notification.recipients[0]).toMatchObject({ to: out, status: 'refused' });
    expect(h.queue.batches).toEqual([others.length]);
    expect(h.queue.on('sms-outbound').map((m) => (m.body as Message).to)).toEqual(others);
  });

  it('answers queued for a recipient whose message the outbound worker has not stored yet', async () => {
    const h = coreHarness();
    const notification = await sendNotification(h.deps, request(recipients.slice(0, 2)));
    const messageId = notification.recipients[0]?.status === 'queued' && notification.recipients[0].messageId;
    expect(await h.store.getMessage(`notification:${notification.id}`, String(messageId))).toBeUndefined();
    const status = await notificationStatus(h.deps, notification.id);
    expect(status.recipients.map((r) => r.status)).toEqual(['queued', 'queued']);
  });
});

/** A store that dies once, as the process would, when the notification document is written. */
function crashingOnNotification(inner: Store): Store {
  let crashes = 1;
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'createNotification' || typeof value !== 'function') return value;
      return async (notification: Notification) => {
        if (crashes > 0) {
          crashes -= 1;
          throw new Error('the process died before writing the notification');
        }
        return (value as Store['createNotification']).call(target, notification);
      };
    },
  });
}

describe('a crash between queueing a notification and writing it', () => {
  function withEmbeddedQueue() {
    const h: CoreHarness = coreHarness(crashingOnNotification(new MemoryStore()));
    const queue = new SqliteQueue(openSqlite(':memory:'), h.clock, {
      lockMs: 30_000,
      maxDeliveryCount: 5,
      duplicateWindowMs: 24 * 3_600_000,
    });
    h.deps.queue = queue;
    // The pace is not what this tests: the worker sends at once.
    h.deps.sendRates = { longCode: 1000, tollFree: 1000, shortCode: 1000 };
    /** The outbound worker: takes each waiting message, delivers it, completes it. */
    const work = async () => {
      for (;;) {
        const received = await queue.receive(queueNames.outbound);
        if (!received) return;
        await deliverOutbound(h.deps, received.body as Message, {
          deliveryCount: received.deliveryCount,
          maxDeliveryCount: 5,
        });
        await queue.complete(queueNames.outbound, received);
      }
    };
    return { h, queue, work };
  }
  const three = request(recipients.slice(0, 3));

  it('is completed by the retry with the same Idempotency-Key: the queue drops the repeats, each recipient gets one text', async () => {
    const { h, queue, work } = withEmbeddedQueue();
    await expect(sendNotification(h.deps, three, 'flow-run-7')).rejects.toThrow(/died/);
    expect(await queue.depth(queueNames.outbound)).toBe(3);

    const answer = await sendNotification(h.deps, three, 'flow-run-7');
    expect(await queue.depth(queueNames.outbound)).toBe(3);
    await work();
    expect(h.sender.sends.map((send) => send.to)).toEqual(recipients.slice(0, 3));
    const status = await notificationStatus(h.deps, answer.id);
    expect(status.recipients.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('lets the worker send without the notification written, and a retry long after sends nothing again', async () => {
    const { h, queue, work } = withEmbeddedQueue();
    await expect(sendNotification(h.deps, three, 'flow-run-8')).rejects.toThrow(/died/);
    await work();
    expect(h.sender.sends).toHaveLength(3);

    // Past the queue's duplicate window the repeats are queued again; the worker finds them sent.
    h.clock.advance(25 * 3_600_000);
    const answer = await sendNotification(h.deps, three, 'flow-run-8');
    expect(await queue.depth(queueNames.outbound)).toBe(3);
    await work();
    expect(h.sender.sends).toHaveLength(3);
    const status = await notificationStatus(h.deps, answer.id);
    expect(status.recipients.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
