import type { Channel } from '../domain/channel.js';
import { keywordOf } from '../domain/consent.js';
import type { DeliveryReport, ProviderReport } from '../domain/delivery-report.js';
import type { InboundSms } from '../domain/inbound-sms.js';
import type { InboundWork } from '../domain/inbound-work.js';
import { maskPhone } from '../domain/mask.js';
import { queueNames } from '../ports.js';
import type { CoreDeps } from './deps.js';

export type Acceptance =
  | { status: 'accepted'; channel: Channel }
  | { status: 'unknown-number' }
  | { status: 'outbound-only'; channel: Channel };

/**
 * What every provider edge does once a message is verified and parsed: find its channel and put
 * it on the inbound queue, durably, before the provider is answered. The session (our number +
 * the customer) keeps one customer's texts in order; the id (provider + provider message id)
 * makes a provider redelivery a duplicate the queue drops.
 */
export async function acceptInboundSms(deps: CoreDeps, sms: InboundSms): Promise<Acceptance> {
  const channel = deps.directory.channelForNumber(sms.to);
  if (!channel) {
    deps.logger.warn('inbound.unknown-number', { messageId: sms.id, provider: sms.provider });
    return { status: 'unknown-number' };
  }
  // An outbound-only number opens nothing, but STOP, START and HELP are the customer's right on
  // any number that texts them: those, and only those, go on to the inbound worker.
  if (channel.direction === 'outbound-only' && !keywordOf(sms.text, channel.consent)) {
    deps.logger.warn('inbound.outbound-only', { messageId: sms.id, channelId: channel.id });
    return { status: 'outbound-only', channel };
  }
  const work: InboundWork = { kind: 'sms', sms };
  await deps.queue.send(queueNames.inbound, {
    id: sms.id,
    sessionId: customerSession(sms.to, sms.from),
    body: work,
  });
  deps.logger.info('inbound.accepted', {
    messageId: sms.id,
    channelId: channel.id,
    customer: maskPhone(sms.from),
  });
  return { status: 'accepted', channel };
}

/** The inbound session of one customer on one of our numbers: their texts keep their order. */
export const customerSession = (ourNumber: string, customer: string) => `${ourNumber}:${customer}`;

/**
 * Delivery reports take the same path: in the customer's session when the report names the
 * numbers, else in one of their conversation's own.
 */
export async function acceptDeliveryReport(
  deps: CoreDeps,
  report: DeliveryReport | ProviderReport,
  sessionId: string,
): Promise<void> {
  const work: InboundWork =
    'messageId' in report ? { kind: 'delivery-report', report } : { kind: 'provider-report', report };
  const id = `${report.provider}:${report.providerMessageId}:${report.status}`;
  await deps.queue.send(queueNames.inbound, {
    id,
    // A report naming only the provider's id may wait minutes for its message to be known (or never
    // be ours): in the customer's session that wait would hold up their texts, so it waits alone.
    sessionId:
      work.kind === 'provider-report' ? `report:${report.provider}:${report.providerMessageId}` : sessionId,
    body: work,
  });
  deps.logger.info('report.accepted', {
    ...('messageId' in report
      ? { messageId: report.messageId }
      : { providerMessageId: report.providerMessageId }),
    status: report.status,
  });
}
