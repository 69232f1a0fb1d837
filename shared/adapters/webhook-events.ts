import { type CloudEvent, type IntegrationEvent, toCloudEvent } from '../domain/integration-event.js';
import { signatureHeaders, signWebhook } from '../domain/webhook-signature.js';
import { errorText } from '../errors.js';
import type {
  Clock,
  EventDelivery,
  EventPublisher,
  EventSubscription,
  EventSubscriptionInput,
  EventSubscriptions,
} from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS event_subscriptions (id TEXT PRIMARY KEY, secret TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_deliveries (
  subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
  event TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  next_attempt_at TEXT, last_attempt_at TEXT, last_result TEXT,
  PRIMARY KEY (subscription_id, event_id)
);
CREATE INDEX IF NOT EXISTS event_deliveries_due ON event_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS event_deliveries_latest ON event_deliveries (subscription_id, seq);
`;

export interface WebhookOptions {
  /** The CloudEvents `source`: this deployment. */
  source: string;
  clock: Pick<Clock, 'now'>;
  /** A message's text, for subscribers that asked for it; undefined once the message is gone. */
  textOf: (conversationId: string, messageId: string) => Promise<string | undefined>;
  fetch?: typeof fetch;
  /** Attempts before a delivery is given up (marked failed). */
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles, up to an hour. */
  firstRetryMs?: number;
  timeoutMs?: number;
  /** Deliveries kept per subscriber for an admin to read; older ones are forgotten. */
  keepPerSubscriber?: number;
}

interface DeliveryRow {
  subscription_id: string;
  event_id: string;
  type: string;
  event: string;
  status: EventDelivery['status'];
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_result: string | null;
}

const HOUR_MS = 3_600_000;

/**
 * The embedded default's publisher: webhook subscribers an admin configured. Publishing records one
 * delivery per (subscriber, event id), so an event published again after a crash is recognised and
 * not delivered twice once delivered; each delivery is one CloudEvent (structured JSON), signed, and
 * retried with exponential backoff until it is accepted (2xx) or `maxAttempts` ran out.
 */
export class WebhookEvents implements EventPublisher, EventSubscriptions {
  private readonly options: Required<WebhookOptions>;

  constructor(
    private readonly db: SqliteDatabase,
    options: WebhookOptions,
  ) {
    db.exec(SCHEMA);
    this.options = {
      fetch: globalThis.fetch,
      maxAttempts: 8,
      firstRetryMs: 30_000,
      timeoutMs: 10_000,
      keepPerSubscriber: 200,
      ...options,
    };
  }

  private now() {
    return this.options.clock.now();
  }

  async list(): Promise<EventSubscription[]> {
    return this.db
      .prepare<[], { doc: string }>('SELECT doc FROM event_subscriptions ORDER BY id')
      .all()
      .map((row) => JSON.parse(row.doc) as EventSubscription);
  }

  async get(id: string): Promise<EventSubscription | undefined> {
    const row = this.db
      .prepare<[string], { doc: string }>('SELECT doc FROM event_subscriptions WHERE id = ?')
      .get(id);
    return row ? (JSON.parse(row.doc) as EventSubscription) : undefined;
  }

  async secretOf(id: string): Promise<string | undefined> {
    return this.db
      .prepare<[string], { secret: string }>('SELECT secret FROM event_subscriptions WHERE id = ?')
      .get(id)?.secret;
  }

  async put(id: string, input: EventSubscriptionInput): Promise<EventSubscription> {
    const existing = await this.get(id);
    const subscription: EventSubscription = {
      id,
      url: input.url,
      types: input.types,
      includeText: input.includeText,
      createdAt: existing?.createdAt ?? this.now().toISOString(),
    };
    this.db
      .prepare(
        `INSERT INTO event_subscriptions (id, secret, doc) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, doc = excluded.doc`,
      )
      .run(id, input.secret, JSON.stringify(subscription));
    return subscription;
  }

  async remove(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM event_deliveries WHERE subscription_id = ?').run(id);
      return this.db.prepare('DELETE FROM event_subscriptions WHERE id = ?').run(id).changes > 0;
    })();
  }

  async forgetDeliveries(subjects: string[]): Promise<number> {
    const forget = this.db.prepare<[string, string, string]>(
      `DELETE FROM event_deliveries WHERE json_extract(event, '$.subject') = ?
         OR substr(json_extract(event, '$.subject'), 1, length(?)) = ?`,
    );
    let forgotten = 0;
    this.db.transaction(() => {
      for (const subject of subjects) {
        const under = `${subject}/`;
        forgotten += forget.run(subject, under, under).changes;
      }
    })();
    return forgotten;
  }

  async deliveries(id: string, limit: number): Promise<EventDelivery[]> {
    return this.db
      .prepare<[string, number], DeliveryRow>(
        'SELECT * FROM event_deliveries WHERE subscription_id = ? ORDER BY seq DESC LIMIT ?',
      )
      .all(id, Math.trunc(limit))
      .map((row) => ({
        eventId: row.event_id,
        type: row.type as EventDelivery['type'],
        status: row.status,
        attempts: row.attempts,
        lastAttemptAt: row.last_attempt_at,
        nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
        lastResult: row.last_result,
      }));
  }

  /** Records a delivery per matching subscriber (a repeat of an id already recorded is dropped), then delivers. */
  async publish(events: IntegrationEvent[]) {
    const subscriptions = await this.list();
    const at = this.now().toISOString();
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO event_deliveries
         (subscription_id, event_id, seq, type, event, status, attempts, next_attempt_at)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM event_deliveries), ?, ?, 'pending', 0, ?)`,
    );
    this.db.transaction(() => {
      for (const event of events) {
        const cloudEvent = JSON.stringify(toCloudEvent(event, this.options.source));
        for (const subscription of subscriptions) {
          if (subscription.types.length > 0 && !subscription.types.includes(event.type)) continue;
          insert.run(subscription.id, event.id, event.type, cloudEvent, at);
        }
      }
    })();
    await this.retryDue();
  }

  /** Attempts every delivery whose time came, oldest first. */
  async retryDue() {
    const due = this.db
      .prepare<[string], DeliveryRow>(
        `SELECT * FROM event_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT 200`,
      )
      .all(this.now().toISOString());
    for (const delivery of due) await this.attempt(delivery);
    this.forgetOld();
  }

  private async attempt(delivery: DeliveryRow) {
    const row = this.db
      .prepare<[string], { secret: string; doc: string }>(
        'SELECT secret, doc FROM event_subscriptions WHERE id = ?',
      )
      .get(delivery.subscription_id);
    if (!row) return;
    const subscription = JSON.parse(row.doc) as EventSubscription;
    const body = JSON.stringify(await this.withText(JSON.parse(delivery.event) as CloudEvent, subscription));
    const timestamp = Math.floor(this.now().getTime() / 1000);
    let result: string;
    let accepted = false;
    try {
      const response = await this.options.fetch(subscription.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          [signatureHeaders.id]: delivery.event_id,
          [signatureHeaders.timestamp]: String(timestamp),
          [signatureHeaders.signature]: signWebhook(row.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'manual',
      });
      await response.body?.cancel();
      accepted = response.status >= 200 && response.status < 300;
      result = `HTTP ${response.status}`;
    } catch (error) {
      result = `no answer: ${errorText(error)}`.slice(0, 200);
    }
    const attempts = delivery.attempts + 1;
    const now = this.now();
    const status = accepted ? 'delivered' : attempts >= this.options.maxAttempts ? 'failed' : 'pending';
    const delay = Math.min(HOUR_MS, this.options.firstRetryMs * 2 ** (attempts - 1));
    this.db
      .prepare(
        `UPDATE event_deliveries SET status = ?, attempts = ?, last_attempt_at = ?, last_result = ?, next_attempt_at = ?
         WHERE subscription_id = ? AND event_id = ?`,
      )
      .run(
        status,
        attempts,
        now.toISOString(),
        result,
        status === 'pending' ? new Date(now.getTime() + delay).toISOString() : null,
        delivery.subscription_id,
        delivery.event_id,
      );
  }

  /** The text goes only to a subscriber that asked for it, read now: a message erased since is not sent. */
  private async withText(event: CloudEvent, subscription: EventSubscription): Promise<CloudEvent> {
    const { conversationId, messageId } = event.data;
    if (!subscription.includeText || !event.type.includes('.message.') || !conversationId || !messageId)
      return event;
    const text = await this.options.textOf(conversationId, messageId);
    return text === undefined ? event : { ...event, data: { ...event.data, text } };
  }

  /** Keeps the latest finished deliveries per subscriber for an admin to read; a pending one is never dropped. */
  private forgetOld() {
    this.db
      .prepare(
        `DELETE FROM event_deliveries WHERE status <> 'pending' AND seq IN (
           SELECT seq FROM (
             SELECT seq, ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY seq DESC) AS n FROM event_deliveries
           ) WHERE n > ?)`,
      )
      .run(this.options.keepPerSubscriber);
  }
}
