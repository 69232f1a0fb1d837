import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteStore } from '../../shared/adapters/sqlite-store.js';
import type { Conversation } from '../../shared/domain/conversation.js';
import { ERASED_CUSTOMER } from '../../shared/domain/erasure.js';
import { storeContract } from '../contracts/store.contract.js';
import { storeDataLifeContract, transcriptExpiryContract } from '../contracts/store-data-life.contract.js';
import { aConversation, aMessage, anAgent, CUSTOMER } from '../support/builders.js';
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

/** A conversation as versions before the key columns wrote it: the document and its first columns. */
function insertAsOlderVersion(db: ReturnType<typeof openSqlite>, conversation: Conversation) {
  db.prepare(
    `INSERT INTO conversations (id, channel_id, queue_id, agent_id, state, created_at, last_activity_at, etag, doc)
     VALUES (@id, @channelId, @queueId, @agentId, @state, @createdAt, @lastActivityAt, 1, @doc)`,
  ).run({ ...conversation, doc: JSON.stringify(conversation) });
}

describe('the SQLite store opening a file written before conversations had key columns', () => {
  it('finds each conversation by its customer and case number all the same, through the new indexes', async () => {
    const db = openSqlite(join(dir, `store-${n++}.db`));
    // The conversations table and its indexes as they were before (commit a2b506c).
    db.exec(`CREATE TABLE conversations (
        id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, queue_id TEXT NOT NULL, agent_id TEXT,
        state TEXT NOT NULL, created_at TEXT NOT NULL, last_activity_at TEXT NOT NULL,
        etag INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX conversations_customer
        ON conversations (channel_id, json_extract(doc, '$.customer'), created_at, id);
      CREATE INDEX conversations_number ON conversations (json_extract(doc, '$.customer'), created_at, id);
      CREATE INDEX conversations_case ON conversations (json_extract(doc, '$.caseNumber'));`);
    const before = aConversation({ id: 'old', caseNumber: 'C-0001' });
    insertAsOlderVersion(db, before);

    const store = new SqliteStore(db);
    const found = await store.findCustomerConversations({
      channelId: before.channelId,
      customer: CUSTOMER,
      limit: 5,
    });
    expect(found.map((c) => c.value)).toEqual([before]);
    const byCase = await store.searchConversations({ caseNumber: 'C-0001' }, { limit: 5 });
    expect(byCase.conversations.map((c) => c.value.id)).toEqual(['old']);
    const indexes = db.prepare("PRAGMA index_list('conversations')").all() as { name: string }[];
    expect(indexes.map((i) => i.name)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^conversations_(customer|number|case)$/)]),
    );
    // Opened again (the local host's other thread does), the file is left as it is.
    expect(() => new SqliteStore(db)).not.toThrow();
  });
});

describe('the SQLite store opening a file an older version wrote to meanwhile', () => {
  it('finds what that version created, and no longer finds a number it erased', async () => {
    const db = openSqlite(join(dir, `store-${n++}.db`));
    const store = new SqliteStore(db);
    await store.createConversation(aConversation({ id: 'erased-by-old', customer: CUSTOMER }));
    // The older version writes documents only: it creates one, and erases the number of another.
    insertAsOlderVersion(db, aConversation({ id: 'created-by-old', caseNumber: 'C-0002' }));
    const erased = { ...aConversation({ id: 'erased-by-old' }), customer: ERASED_CUSTOMER };
    db.prepare('UPDATE conversations SET doc = ? WHERE id = ?').run(JSON.stringify(erased), erased.id);

    const reopened = new SqliteStore(db);
    const byNumber = await reopened.searchConversations({ customer: CUSTOMER }, { limit: 5 });
    expect(byNumber.conversations.map((c) => c.value.id)).toEqual(['created-by-old']);
    const byCase = await reopened.searchConversations({ caseNumber: 'C-0002' }, { limit: 5 });
    expect(byCase.conversations.map((c) => c.value.id)).toEqual(['created-by-old']);
  });
});

describe('the SQLite store indexing conversations', () => {
  it('computes no index from the document, which every message rewrites', () => {
    const db = openSqlite(join(dir, `store-${n++}.db`));
    new SqliteStore(db);
    const indexes = db.prepare("PRAGMA index_list('conversations')").all() as { name: string }[];
    expect(indexes.length).toBeGreaterThan(5);
    const computed = indexes.filter((index) =>
      (db.prepare(`PRAGMA index_xinfo('${index.name}')`).all() as { cid: number; key: number }[]).some(
        // cid -2: a column of the index that is an expression.
        (column) => column.key === 1 && column.cid === -2,
      ),
    );
    expect(computed.map((index) => index.name)).toEqual([]);
  });
});

describe('the SQLite store writing inside a long transaction (the queue thread batch)', () => {
  it('keeps the journals of its savepoints in memory, never in a temporary file', async () => {
    const db = openSqlite(join(dir, `store-${n++}.db`));
    const store = new SqliteStore(db);
    // The files this process holds open (Linux, where CI runs; elsewhere the setting alone is checked).
    const openTemporaryFiles = () =>
      (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd') : []).filter((fd) => {
        try {
          return /etilqs_/.test(readlinkSync(`/proc/self/fd/${fd}`));
        } catch {
          return false; // closed while listed
        }
      });
    const before = openTemporaryFiles();
    db.exec('BEGIN IMMEDIATE');
    // Each write is a savepoint of the open transaction; together their journals pass 64 KB.
    for (let index = 0; index < 200; index++)
      await store.createConversation(aConversation({ id: `batched-${index}` }));
    const during = openTemporaryFiles();
    db.exec('COMMIT');
    expect(during).toEqual(before);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
  });
});

describe('the SQLite store indexing messages', () => {
  it('keeps only their key: a transcript is read whole and sorted by seq, which a file written before keeps doing', async () => {
    const db = openSqlite(join(dir, `store-${n++}.db`));
    new SqliteStore(db);
    // A file written before still has the order index every message paid for.
    db.exec('CREATE INDEX messages_order ON messages (conversation_id, seq)');
    const store = new SqliteStore(db);
    for (const [id, seq] of [
      ['third', 3],
      ['first', 1],
      ['second', 2],
    ] as const)
      await store.createMessage(aMessage({ id, seq }));

    const indexes = db.prepare("PRAGMA index_list('messages')").all() as { name: string; origin: string }[];
    expect(indexes.map((index) => index.origin)).toEqual(['pk']);
    expect((await store.listMessages(aMessage().conversationId)).map((m) => m.id)).toEqual([
      'first',
      'second',
      'third',
    ]);
  });
});
