import { maskPhone, maskPhonesIn } from './mask.js';

/**
 * A provider event that could not be processed (malformed, or naming what no message can be),
 * kept so an admin can see what was lost and why, and acknowledged so the provider moves on.
 * It keeps no message text, and numbers only masked: enough to recognise, not to contact.
 */
export interface PoisonEvent {
  /**
   * When the event happened (or, when it does not say, when it arrived), then the provider and
   * its event id: listing by id lists by time, and a redelivery of the event has the same id.
   */
  id: string;
  provider: string;
  eventId: string;
  eventType: string;
  receivedAt: string;
  reason: string;
  providerMessageId: string | null;
  /** Masked. */
  from: string | null;
  /** Masked. */
  to: string | null;
}

const field = (data: unknown, name: string): string | null => {
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  const capitalised = name.charAt(0).toUpperCase() + name.slice(1);
  const value = record[name] ?? record[capitalised];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 200) : null;
};

/** The poison record of one event: its ids, why, and the masked numbers; never its text. */
export function poisonEvent(input: {
  provider: string;
  eventId: string | undefined;
  eventType: string | undefined;
  data: unknown;
  reason: string;
  receivedAt: string;
  /** The event's own time, which Event Grid keeps on every redelivery of a batch. */
  occurredAt?: string | undefined;
}): PoisonEvent {
  const eventId = (input.eventId ?? '').slice(0, 200) || 'unknown';
  const occurred = input.occurredAt === undefined ? Number.NaN : Date.parse(input.occurredAt);
  const at = Number.isNaN(occurred) ? input.receivedAt : new Date(occurred).toISOString();
  const from = field(input.data, 'from');
  const to = field(input.data, 'to');
  return {
    // Encoded: the id is a document id, which may not hold / \ ? # in Cosmos DB.
    id: `${at}|${input.provider}|${encodeURIComponent(eventId)}`,
    provider: input.provider,
    eventId,
    eventType: (input.eventType ?? '').slice(0, 200) || 'unknown',
    receivedAt: input.receivedAt,
    reason: maskPhonesIn(input.reason).slice(0, 1000),
    providerMessageId: field(input.data, 'messageId'),
    from: from === null ? null : maskPhone(from),
    to: to === null ? null : maskPhone(to),
  };
}
