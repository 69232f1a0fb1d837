import { randomUUID } from 'node:crypto';
import type { Clock, SendRequest, SendResult, SmsSender } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';

export interface OutboxEntry {
  providerMessageId: string;
  idempotencyKey: string;
  from: string;
  to: string;
  text: string;
  tag: string;
  sentAt: string;
  status: 'sent';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS local_outbox (
  idempotency_key TEXT PRIMARY KEY, provider_message_id TEXT NOT NULL, sender TEXT NOT NULL,
  recipient TEXT NOT NULL, text TEXT NOT NULL, tag TEXT NOT NULL, sent_at TEXT NOT NULL
);
`;

interface Row {
  idempotency_key: string;
  provider_message_id: string;
  sender: string;
  recipient: string;
  text: string;
  tag: string;
  sent_at: string;
}

/**
 * The provider of the embedded default: it "sends" by writing to an outbox a developer (or a
 * test) reads over HTTP. Like a real provider with an idempotency key, a repeated key returns the
 * first send instead of sending again.
 */
export class LocalSmsProvider implements SmsSender {
  readonly provider = 'local';
  readonly idempotent = true;
  private readonly statements;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    db.exec(SCHEMA);
    this.statements = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO local_outbox (idempotency_key, provider_message_id, sender, recipient, text, tag, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      byKey: db.prepare<[string], Row>('SELECT * FROM local_outbox WHERE idempotency_key = ?'),
      all: db.prepare<[], Row>('SELECT * FROM local_outbox ORDER BY rowid'),
      byProviderId: db.prepare<[string], Row>('SELECT * FROM local_outbox WHERE provider_message_id = ?'),
    };
  }

  async send(request: SendRequest): Promise<SendResult> {
    const id = `local-${randomUUID()}`;
    const sentAt = this.clock.now().toISOString();
    this.statements.insert.run(
      request.idempotencyKey,
      id,
      request.from,
      request.to,
      request.text,
      request.conversationId,
      sentAt,
    );
    const row = this.statements.byKey.get(request.idempotencyKey);
    return { providerMessageId: row?.provider_message_id ?? id };
  }

  async checkCredentials() {
    return { ok: true, detail: 'the local provider needs no credentials' };
  }

  outbox(filter: { to?: string } = {}): OutboxEntry[] {
    return this.statements.all
      .all()
      .filter((row) => filter.to === undefined || row.recipient === filter.to)
      .map(toEntry);
  }

  /** One message the provider "sent", by the id it gave it (a delivery receipt names that id). */
  sentMessage(providerMessageId: string): OutboxEntry | undefined {
    const row = this.statements.byProviderId.get(providerMessageId);
    return row ? toEntry(row) : undefined;
  }
}

function toEntry(row: Row): OutboxEntry {
  return {
    providerMessageId: row.provider_message_id,
    idempotencyKey: row.idempotency_key,
    from: row.sender,
    to: row.recipient,
    text: row.text,
    tag: row.tag,
    sentAt: row.sent_at,
    status: 'sent',
  };
}
