import type { App } from '../shared/app.js';
import type { InboundSms } from '../shared/domain/inbound-sms.js';
import type { AcsReport } from '../shared/providers/acs/events.js';
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

/**
 * Accepts a delivery of ACS events, whole or not at all: every event is parsed before any is
 * queued, so a malformed one refuses the batch (400, nothing changed); a failure while queueing
 * makes the sender retry the batch, and the queue's duplicate detection (by message id) drops
 * what was already queued. Other event types are ignored.
 */
export async function acceptAcsEvents(app: App, events: AcsEvent[]): Promise<number> {
  const now = app.deps.clock.now().toISOString();
  const work = events.flatMap((event): Work[] => {
    if (event.type === SMS_RECEIVED) return [{ sms: parseSmsReceived(event, now) }];
    if (event.type === SMS_DELIVERY_REPORT) {
      const report = parseDeliveryReport(event, now);
      return report ? [{ report }] : [];
    }
    return [];
  });
  for (const item of work) {
    if ('sms' in item) await acceptInboundSms(app.deps, item.sms);
    else {
      const { report, ourNumber, customer } = item.report;
      await acceptDeliveryReport(app.deps, report, customerSession(ourNumber, customer));
    }
  }
  return work.length;
}
