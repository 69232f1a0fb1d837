import { z } from 'zod';
import { deliveryReportSchema, providerReportSchema } from './delivery-report.js';
import { queuedInboundSmsSchema } from './inbound-sms.js';

/** What travels on the inbound queue: a customer's message or a delivery report (ours, or the provider's id only). */
export const inboundWorkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sms'), sms: queuedInboundSmsSchema }),
  z.object({ kind: z.literal('delivery-report'), report: deliveryReportSchema }),
  z.object({ kind: z.literal('provider-report'), report: providerReportSchema }),
]);
export type InboundWork = z.input<typeof inboundWorkSchema>;
