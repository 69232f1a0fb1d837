import { addMissingColumns, type SqliteDatabase } from './sqlite-database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS customers (
  channel_id TEXT NOT NULL, customer TEXT NOT NULL, etag INTEGER NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (channel_id, customer)
);
CREATE INDEX IF NOT EXISTS customers_number ON customers (customer);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, queue_id TEXT NOT NULL, agent_id TEXT,
  state TEXT NOT NULL, created_at TEXT NOT NULL, last_activity_at TEXT NOT NULL,
  etag INTEGER NOT NULL, doc TEXT NOT NULL, customer TEXT, case_number TEXT
);
CREATE INDEX IF NOT EXISTS conversations_queue ON conversations (queue_id, state, created_at);
CREATE INDEX IF NOT EXISTS conversations_agent ON conversations (agent_id, state, created_at);
CREATE INDEX IF NOT EXISTS conversations_idle ON conversations (channel_id, state, last_activity_at);
CREATE INDEX IF NOT EXISTS conversations_work ON conversations (created_at, id) WHERE state <> 'closed';
CREATE INDEX IF NOT EXISTS conversations_created ON conversations (created_at, id);
CREATE TABLE IF NOT EXISTS messages (
  conversation_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, etag INTEGER NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (conversation_id, id)
);
CREATE TABLE IF NOT EXISTS notifications (id TEXT PRIMARY KEY, etag INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notification_senders (
  channel_id TEXT NOT NULL, customer TEXT NOT NULL, sender TEXT NOT NULL,
  PRIMARY KEY (channel_id, customer)
);
CREATE INDEX IF NOT EXISTS notification_senders_customer ON notification_senders (customer);
CREATE TABLE IF NOT EXISTS sender_paces (number TEXT PRIMARY KEY, etag INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, etag INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agent_queues (
  queue_id TEXT NOT NULL, agent_id TEXT NOT NULL, PRIMARY KEY (queue_id, agent_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
  kind TEXT NOT NULL, id TEXT NOT NULL, etag INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
`;

/**
 * A conversation's customer and case number are columns of their own, written when it is created
 * and again only when they change (an erasure replaces the number). Indexes on
 * json_extract(doc, ...) are rewritten whenever the document is, which every message does (its
 * sequence number): an update took 4.2 pages of WAL and 37 µs against 1.5 and 19 without them
 * (docs/decisions.md, "Conversation indexes on columns written once").
 */
const CONVERSATION_KEY_COLUMNS = [
  { name: 'customer', type: 'TEXT' },
  { name: 'case_number', type: 'TEXT' },
] as const;
/**
 * Filled from the documents on every opening where they differ: a file written before has none,
 * and one opened meanwhile by an older version has rows it created or erased without them (an
 * erased customer's number must not stay searchable). One scan: opening a file of 150,000
 * conversations took 0.16-0.17 s in all when nothing differed.
 */
const CONVERSATION_KEY_FILL = `
UPDATE conversations SET customer = json_extract(doc, '$.customer'), case_number = json_extract(doc, '$.caseNumber')
 WHERE customer IS NOT json_extract(doc, '$.customer') OR case_number IS NOT json_extract(doc, '$.caseNumber');
`;
/**
 * Indexes as they are now, on a file written by any version. Gone from before: the conversation
 * indexes on json_extract (above), and the messages' (conversation_id, seq) index: a transcript is
 * read whole, its documents parsed, so sorting it by seq costs next to nothing, while every message
 * paid that index a page of WAL at a random place (18% of the ingest bench's WAL, more than any
 * other table but two) and its insert. One index serves a customer's conversations in one channel
 * and in all: a customer has few (erased ones share a placeholder, and nobody lists those), so the
 * channel is a filter on them, not a key of its own.
 */
const INDEX_CHANGES = `
DROP INDEX IF EXISTS messages_order;
DROP INDEX IF EXISTS conversations_customer;
DROP INDEX IF EXISTS conversations_number;
DROP INDEX IF EXISTS conversations_case;
DROP INDEX IF EXISTS conversations_channel_customer;
CREATE INDEX IF NOT EXISTS conversations_customer_created ON conversations (customer, created_at, id);
CREATE INDEX IF NOT EXISTS conversations_case_number ON conversations (case_number);
`;

/**
 * The embedded store's tables and indexes, as this version wants them, on a new file or one any
 * version wrote. Both threads of the local host open the file, so what reads before it writes is
 * done inside a write transaction.
 */
export function prepareStoreSchema(db: SqliteDatabase): void {
  db.exec(SCHEMA);
  db.transaction(() => {
    addMissingColumns(db, 'conversations', CONVERSATION_KEY_COLUMNS);
    db.exec(CONVERSATION_KEY_FILL);
    db.exec(INDEX_CHANGES);
  }).immediate();
  // The queues' rosters follow the agents: rebuilt on opening, so a file written before the
  // rosters existed (or by an older version) reads the same.
  db.transaction(() => {
    db.exec(`DELETE FROM agent_queues;
      INSERT OR IGNORE INTO agent_queues (queue_id, agent_id)
        SELECT q.value, a.id FROM agents a, json_each(a.doc, '$.queueIds') q;`);
  })();
}
