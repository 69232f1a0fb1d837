import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteStore } from '../../shared/adapters/sqlite-store.js';
import { storeContract } from '../contracts/store.contract.js';
import { storeDataLifeContract, transcriptExpiryContract } from '../contracts/store-data-life.contract.js';
import { anAgent } from '../support/builders.js';
import { MemoryStore } from '../support/memory-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('in-memory fake', () => new MemoryStore());
storeContract('SQLite (file, WAL)', () => new SqliteStore(openSqlite(join(dir, `store-${n++}.db`))));
storeDataLifeContract('in-memory fake', () => new MemoryStore());
storeDataLifeContract('SQLite', () => new SqliteStore(openSqlite(join(dir, `store-${n++}.db`))));
transcriptExpiryContract('in-memory fake', () => new MemoryStore());
transcriptExpiryContract('SQLite', () => new SqliteStore(openSqlite(join(dir, `store-${n++}.db`))));

describe('the SQLite store opening a file written before the queues had rosters', () => {
  it("finds each queue's agents all the same", async () => {
    const db = openSqlite(join(dir, `store-${n++}.db`));
    await new SqliteStore(db).createAgent(anAgent({ queueIds: ['general', 'billing'] }));
    db.exec('DROP TABLE agent_queues');

    const reopened = new SqliteStore(db);
    expect((await reopened.listAgents({ queueId: 'billing' })).map((a) => a.value.id)).toEqual(['alice']);
    expect(await reopened.listAgents({ queueId: 'sales' })).toEqual([]);
  });
});
