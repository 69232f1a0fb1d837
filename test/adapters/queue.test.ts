import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import { DiskSyncFailedError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
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

  /** One turn of the event loop: acceptances gathered in one are flushed in the next. */
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const eio = () => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
  const inbound = (id: string) => ({
    id,
    sessionId: '+14255550100:+14255550123',
    body: { from: '+14255550123', text: 'my card was charged twice' },
  });

  it('refuses every acceptance after a failed sync before inserting it, and syncs no more', async () => {
    let syncs = 0;
    const queue = new SqliteQueue(openSqlite(join(dir, `accept-${n++}.db`)), new ManualClock(), {
      ...options,
      syncToDisk: () => {
        syncs += 1;
        return Promise.reject(eio());
      },
    });
    await expect(queue.accept('sms-inbound', inbound('m1'))).rejects.toThrow('EIO');
    // The refused batch was committed before its sync, as every batch is; what follows is not.
    const depth = await queue.depth('sms-inbound');

    const refusal = queue.accept('sms-inbound', inbound('m2'));

    await expect(refusal).rejects.toBeInstanceOf(DiskSyncFailedError);
    await expect(refusal).rejects.toMatchObject({ code: 'disk-failed', cause: { code: 'EIO' } });
    await expect(queue.acceptBatch('sms-inbound', [inbound('m3')])).rejects.toBeInstanceOf(
      DiskSyncFailedError,
    );
    expect(await queue.depth('sms-inbound')).toBe(depth);
    expect(syncs).toBe(1);
    queue.close();
  });

  it('refuses, before inserting it, an acceptance gathered while the sync that failed ran', async () => {
    let fail: (error: Error) => void = () => {};
    let failed = false;
    const queue = new SqliteQueue(openSqlite(join(dir, `accept-${n++}.db`)), new ManualClock(), {
      ...options,
      syncToDisk: () =>
        failed
          ? Promise.reject(eio())
          : new Promise<void>((_resolve, reject) => {
              fail = reject;
            }),
    });
    const first = queue.accept('sms-inbound', inbound('m1'));
    await turn();
    const depth = await queue.depth('sms-inbound');

    const gathered = queue.accept('sms-inbound', inbound('m2'));
    const outcomes = Promise.allSettled([first, gathered]);
    failed = true;
    fail(eio());

    for (const outcome of await outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(DiskSyncFailedError) });
    }
    expect(await queue.depth('sms-inbound')).toBe(depth);
    queue.close();
  });

  it('logs the failed sync once, with no phone number and no message text', async () => {
    const lines: string[] = [];
    const failing: ((error: Error) => void)[] = [];
    let failed = false;
    const queue = new SqliteQueue(openSqlite(join(dir, `accept-${n++}.db`)), new ManualClock(), {
      ...options,
      logger: createLogger((line) => lines.push(line), 'debug'),
      syncToDisk: () =>
        failed
          ? Promise.reject(eio())
          : new Promise<void>((_resolve, reject) => {
              failing.push(reject);
            }),
    });
    // Two batches whose syncs both fail, then an acceptance refused outright.
    const refused = Promise.allSettled([
      queue.accept('sms-inbound', inbound('m1')),
      turn().then(() => queue.accept('sms-inbound', inbound('m2'))),
    ]);
    await turn();
    await turn();
    expect(failing).toHaveLength(2);
    failed = true;
    for (const fail of failing) fail(eio());
    await refused;
    await expect(queue.accept('sms-inbound', inbound('m3'))).rejects.toBeInstanceOf(DiskSyncFailedError);

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'error',
      event: 'queue.sync-failed',
      error: 'DiskSyncFailedError',
      cause: { errorMessage: 'EIO: i/o error, fsync' },
    });
    expect(lines[0]).not.toMatch(/4255550123|charged/);
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
