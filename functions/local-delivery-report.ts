import { z } from 'zod';
import type { EmbeddedAdapters } from '../shared/adapters/embedded.js';
import type { App } from '../shared/app.js';
import type { DeliveryReport } from '../shared/domain/delivery-report.js';
import { NotFoundError } from '../shared/errors.js';
import { acceptDeliveryReport, customerSession } from '../shared/use-cases/accept-inbound.js';
import { httpFunction, json, readJson } from './http.js';

const body = z
  .object({
    providerMessageId: z.string().min(1).max(200),
    status: z.enum(['delivered', 'failed']),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

/**
 * The local provider's delivery receipt: the phone simulator, playing the customer's handset and
 * carrier, says a message it shows was delivered (or failed). Like every provider callback it goes
 * through the inbound queue; the report's path then moves the message's status forward only.
 */
export function localDeliveryReportFunction(app: App, embedded: EmbeddedAdapters) {
  const { deps } = app;
  return httpFunction({
    name: 'localDeliveryReport',
    route: 'local/delivery-report',
    methods: ['POST'],
    authLevel: 'anonymous',
    logger: deps.logger,
    handle: async (request) => {
      const input = await readJson(request, body);
      const sent = embedded.localProvider.sentMessage(input.providerMessageId);
      if (!sent) throw new NotFoundError(`the local provider sent no message ${input.providerMessageId}`);
      const report: DeliveryReport = {
        provider: 'local',
        providerMessageId: sent.providerMessageId,
        conversationId: sent.tag,
        messageId: sent.idempotencyKey,
        status: input.status,
        reason: input.status === 'failed' ? (input.reason ?? 'the handset reported a failure') : null,
        recipientOptedOut: false,
        reportedAt: deps.clock.now().toISOString(),
      };
      await acceptDeliveryReport(deps, report, customerSession(sent.from, sent.to));
      return json(202, { status: 'accepted' });
    },
  });
}
