import type { App } from '../shared/app.js';
import type { InboundSms } from '../shared/domain/inbound-sms.js';
import { poisonEvent } from '../shared/domain/poison-event.js';
import { ValidationError } from '../shared/errors.js';
import type { AcsReport, DeliveredEvent } from '../shared/providers/acs/events.js';
import {
  type AcsEvent,
  parseDeliveryReport,
  parseSmsReceived,
  SMS_DELIVERY_REPORT,
  SMS_RECEIVED,
} from '../shared/providers/acs/events.js';
import {
  acceptDeliveryReport,
  acceptInboundSms,
  customerSession,
} from '../shared/use-cases/accept-inbound.js';

type Work = { sms: InboundSms } | { report: AcsReport };

export interface AcsAcceptance {
  /** Messages and delivery reports put on the inbound queue. */
  accepted: number;
  /** Events that could not be processed, kept as poison records. */
  poisoned: number;
}

function workOf(event: AcsEvent, now: string): Work | undefined {
  if (event.type === SMS_RECEIVED) return { sms: parseSmsReceived(event, now) };
  if (event.type === SMS_DELIVERY_REPORT) {
    const report = parseDeliveryReport(event, now);
    return report ? { report } : undefined;
  }
  return undefined;
}

const reasonOf = (error: ValidationError) =>
  error.issues.length === 0
    ? error.message
    : `${error.message}: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;

/**
 * Accepts a delivery of ACS events one event at a time. Event Grid does not retry a 400, so a
 * refused batch would lose its good events: an event that cannot be processed (its envelope or
 * data invalid) is kept as a poison record with its reason, for admins, and acknowledged; the
 * others are queued. A failure while queueing or keeping is thrown (500), so Event Grid retries
 * the batch, and the queue's duplicate detection (by message id) drops what was already queued.
 * Other event types are ignored.
 */
export async function acceptAcsEvents(app: App, delivered: DeliveredEvent[]): Promise<AcsAcceptance> {
  const { deps } = app;
  const now = deps.clock.now().toISOString();
  const outcome: AcsAcceptance = { accepted: 0, poisoned: 0 };
  const poison = async (
    event: { id?: string | undefined; type?: string | undefined; time?: string | undefined; data: unknown },
    reason: string,
  ) => {
    const record = poisonEvent({
      provider: 'acs',
      eventId: event.id,
      eventType: event.type,
      data: event.data,
      reason,
      receivedAt: now,
      occurredAt: event.time,
    });
    await deps.store.putPoisonEvent(record);
    deps.logger.warn('acs.event-poisoned', {
      eventId: record.eventId,
      eventType: record.eventType,
      reason: record.reason,
    });
    outcome.poisoned += 1;
  };
  for (const item of delivered) {
    if ('invalid' in item) {
      await poison(item, item.invalid);
      continue;
    }
    let work: Work | undefined;
    try {
      work = workOf(item.event, now);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await poison(item.event, reasonOf(error));
      continue;
    }
    if (!work) continue;
    if ('sms' in work) await acceptInboundSms(deps, work.sms);
    else {
      const { report, ourNumber, customer } = work.report;
      await acceptDeliveryReport(deps, report, customerSession(ourNumber, customer));
    }
    outcome.accepted += 1;
  }
  return outcome;
}
