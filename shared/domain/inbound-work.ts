import { z } from 'zod';
import { deliveryReportSchema } from './delivery-report.js';
import { inboundSmsSchema } from './inbound-sms.js';

/** What travels on the inbound queue: a customer's message or a delivery report. */
export const inboundWorkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sms'), sms: inboundSmsSchema }),
  z.object({ kind: z.literal('delivery-report'), report: deliveryReportSchema }),
]);
export type InboundWork = z.input<typeof inboundWorkSchema>;
