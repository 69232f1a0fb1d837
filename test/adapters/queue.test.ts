import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import { type QueueHarness, queueContract, queueContractOptions } from '../contracts/queue.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-queue-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sqliteHarness(batchWrites: boolean): QueueHarness {
  const clock = new ManualClock();
  const file = join(dir, `queue-${n++}.db`);
  return {
    queue: new SqliteQueue(openSqlite(file), clock, { ...queueContractOptions, batchWrites }),
    now: () => clock.now(),
    advance: async (ms) => {
      clock.advance(ms);
    },
  };
}

queueContract('SQLite (file, WAL)', () => sqliteHarness(false));
queueContract('SQLite with batched commits (the local host queue thread)', () => sqliteHarness(true));

describe('SQLite queue on disk', () => {
  it('keeps an accepted message through a crash, and a restarted host can take it at once', async () => {
    const file = join(dir, 'reopen.db');
    const clock = new ManualClock();
    const before = new SqliteQueue(openSqlite(file), clock, queueContractOptions);
    await before.send('sms-inbound', { id: 'm1', sessionId: 's', body: { text: 'kept' } });
    expect(await before.receive('sms-inbound')).toBeDefined();
    // The process "dies" holding the lock: nothing is settled, the handle is simply dropped.
    const after = new SqliteQueue(openSqlite(file), clock, queueContractOptions);
    expect(await after.receive('sms-inbound')).toBeUndefined();
    after.releaseLocks();
    expect(await after.receive('sms-inbound')).toMatchObject({
      id: 'm1',
      body: { text: 'kept' },
      deliveryCount: 2,
    });
  });
});

/** Whether all of `promises` settle within a few turns of the event loop. */
async function settledWithinTurns(promises: Promise<unknown>[], turns = 20): Promise<boolean> {
  let settled = false;
  void Promise.all(promises).then(() => {
    settled = true;
  });
  for (let turn = 0; turn < turns && !settled; turn++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('SQLite queue with batched commits, accepting outside work', () => {
  const options = { ...queueContractOptions, batchWrites: true };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('answers an acceptance only once the disk has it, while its consumer may already take the message', async () => {
    let synced: () => void = () => {};
    let syncs = 0;
    const queue = new SqliteQueue(openSqlite(join(dir, `accept-${n++}.db`)), new ManualClock(), {
      ...options,
      syncToDisk: () => {
        syncs += 1;
        return new Promise<void>((resolve) => {
          synced = resolve;
        });
      },
    });
    let answered = false;
    const acceptance = queue
      .accept('sms-inbound', { id: 'm1', sessionId: 's', body: { text: 'hello' } })
      .then(() => {
        answered = true;
      });
    await tick();
    expect(syncs).toBe(1);
    expect(answered).toBe(false);
    expect(await queue.receive('sms-inbound')).toMatchObject({ id: 'm1', body: { text: 'hello' } });
    synced();
    await acceptance;
    expect(answered).toBe(true);
    queue.close();
  });

  it('commits what arrived in one turn together, in the next turn, without waiting on a timer', async () => {
    const synced: number[] = [];
    let pending = 0;
    const queue = new SqliteQueue(openSqlite(join(dir, `accept-${n++}.db`)), new ManualClock(), {
      ...options,
      syncToDisk: async () => {
        synced.push(pending);
      },
    });
    const accepting = (ids: string[]) => {
      pending = ids.length;
      return ids.map((id) => queue.accept('sms-inbound', { id, sessionId: id, body: {} }));
    };
    // Timers are held back: an acceptance that waits on one never settles here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    try {
      expect(await settledWithinTurns(accepting(['m1', 'm2', 'm3']))).toBe(true);
      expect(await settledWithinTurns(accepting(['m4']))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    expect(synced).toEqual([3, 1]);
    expect(await queue.depth('sms-inbound')).toBe(4);
    queue.close();
  });

  it('refuses an acceptance whose sync to disk failed', async () => {
    const queue = new SqliteQueue(openSqlite(join(dir, `accept-${n++}.db`)), new ManualClock(), {
      ...options,
      syncToDisk: () => Promise.reject(new Error('EIO: i/o error, fsync')),
    });
    await expect(
      queue.accept('sms-inbound', { id: 'm1', sessionId: 's', body: { text: 'hello' } }),
    ).rejects.toThrow('EIO');
    queue.close();
  });

  it('keeps accepted work across a reopen when the write-ahead log is synced by default', async () => {
    const file = join(dir, `accept-${n++}.db`);
    const before = new SqliteQueue(openSqlite(file), new ManualClock(), options);
    await before.acceptBatch('sms-inbound', [
      { id: 'm1', sessionId: 's', body: { n: 1 } },
      { id: 'm2', sessionId: 's', body: { n: 2 } },
    ]);
    // The process "dies" without closing: what was answered as accepted must be in the file.
    const after = new SqliteQueue(openSqlite(file), new ManualClock(), queueContractOptions);
    expect(await after.depth('sms-inbound')).toBe(2);
    before.close();
  });
});
