import type { DeliveryReport, ProviderReport } from '../domain/delivery-report.js';
import { advanceStatus } from '../domain/message.js';
import type { PhoneNumber } from '../domain/phone.js';
import { NotFoundError } from '../errors.js';
import { setConsent } from './consent.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/** The provider blocked the recipient for this sender: consent is per channel, so mark it there. */
async function optOutRecipient(deps: CoreDeps, report: DeliveryReport) {
  const message = (await deps.store.getMessage(report.conversationId, report.messageId))?.value;
  const channel = message ? deps.directory.channelForNumber(message.from) : undefined;
  if (!message || !channel) return;
  const via = `${report.provider} delivery report: ${report.reason ?? 'recipient opted out'}`;
  await setConsent(deps, channel.id, message.to as PhoneNumber, true, via);
  deps.logger.info('consent.opted-out', { channelId: channel.id, by: report.provider });
}

export type ReportOutcome = 'applied' | 'stale' | 'unknown-message';

/**
 * Moves an outbound message's status forward on a provider's report. Reports arrive late, twice
 * and out of order; a report that would move the status back is recorded nowhere and changes
 * nothing.
 */
export async function applyDeliveryReport(deps: CoreDeps, report: DeliveryReport): Promise<ReportOutcome> {
  const outcome = await retryOnConflict(async (): Promise<ReportOutcome> => {
    const stored = await deps.store.getMessage(report.conversationId, report.messageId);
    if (stored?.value.direction !== 'outbound') return 'unknown-message';
    const message = stored.value;
    if (message.providerMessageId !== null && message.providerMessageId !== report.providerMessageId) {
      return 'unknown-message';
    }
    const advanced = advanceStatus(message, report.status, report.reason);
    if (advanced === message && message.providerMessageId !== null) return 'stale';
    await deps.store.replaceMessage(
      { ...advanced, providerMessageId: report.providerMessageId },
      stored.etag,
    );
    if (advanced === message) return 'stale';
    if (advanced.status === 'failed') {
      const channel = deps.directory.channelForNumber(message.from);
      deps.metrics.add('sms.delivery.failures', {
        channel: channel?.id ?? 'none',
        provider: report.provider,
        reason: 'undelivered',
      });
    }
    return 'applied';
  });
  if (report.recipientOptedOut && outcome !== 'unknown-message') await optOutRecipient(deps, report);
  const log = { messageId: report.messageId, status: report.status, provider: report.provider };
  if (outcome === 'unknown-message') deps.logger.warn('report.unknown-message', log);
  else deps.logger.info(outcome === 'applied' ? 'report.applied' : 'report.stale', log);
  return outcome;
}

/**
 * How long a report naming only the provider's id may wait for its message: the provider can call
 * back before the sender has written which message the id is. Later, it is not one of ours (a
 * Messaging Service shared with another application) and is dropped.
 */
const UNKNOWN_ID_PATIENCE_MS = 2 * 60_000;

/**
 * A report that names only the provider's message id: one point read finds the message, then it
 * is applied as any other. An id not known yet is retried by the queue for a while.
 */
export async function applyProviderReport(deps: CoreDeps, report: ProviderReport): Promise<ReportOutcome> {
  const ref = await deps.store.getProviderMessage(report.provider, report.providerMessageId);
  if (ref) {
    return applyDeliveryReport(deps, {
      ...report,
      conversationId: ref.conversationId,
      messageId: ref.messageId,
    });
  }
  const waited = deps.clock.now().getTime() - Date.parse(report.reportedAt);
  if (waited < UNKNOWN_ID_PATIENCE_MS) {
    throw new NotFoundError(`no message of ours has ${report.provider} id ${report.providerMessageId} yet`);
  }
  deps.logger.warn('report.unknown-message', {
    provider: report.provider,
    providerMessageId: report.providerMessageId,
    status: report.status,
  });
  return 'unknown-message';
}
