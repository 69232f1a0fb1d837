import type { DeliveryReport } from '../domain/delivery-report.js';
import { advanceStatus } from '../domain/message.js';
import type { PhoneNumber } from '../domain/phone.js';
import { setConsent } from './consent.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/** The provider blocked the recipient for this sender: consent is per channel, so mark it there. */
async function optOutRecipient(deps: CoreDeps, report: DeliveryReport) {
  const message = (await deps.store.getMessage(report.conversationId, report.messageId))?.value;
  const channel = message ? deps.directory.channelForNumber(message.from) : undefined;
  if (!message || !channel) return;
  await setConsent(deps, channel.id, message.to as PhoneNumber, true);
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
    return advanced === message ? 'stale' : 'applied';
  });
  if (report.recipientOptedOut && outcome !== 'unknown-message') await optOutRecipient(deps, report);
  const log = { messageId: report.messageId, status: report.status, provider: report.provider };
  if (outcome === 'unknown-message') deps.logger.warn('report.unknown-message', log);
  else deps.logger.info(outcome === 'applied' ? 'report.applied' : 'report.stale', log);
  return outcome;
}
