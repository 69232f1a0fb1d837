import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
