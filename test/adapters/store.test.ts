import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteStore } from '../../shared/adapters/sqlite-store.js';
import { storeContract } from '../contracts/store.contract.js';
import { MemoryStore } from '../support/memory-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('in-memory fake', () => new MemoryStore());
storeContract('SQLite (file, WAL)', () => new SqliteStore(openSqlite(join(dir, `store-${n++}.db`))));
