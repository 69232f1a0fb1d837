import { z } from 'zod';
import { outboundStatuses } from './message.js';

/**
 * A provider's word on an outbound message, as every edge hands it to the core. The conversation
 * and message ids come back from what we gave the provider when sending (a status callback URL,
 * a tag, an external id), so no lookup by provider id is needed.
 */
export const deliveryReportSchema = z.object({
  provider: z.string().min(1),
  providerMessageId: z.string().min(1),
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  status: z.enum(outboundStatuses),
  /** Why it failed, in words an agent can act on (provider code included). */
  reason: z.string().nullable().default(null),
  /** The provider says the recipient opted out of this sender (STOP): consent follows. */
  recipientOptedOut: z.boolean().default(false),
  reportedAt: z.iso.datetime({ offset: true }),
});
export type DeliveryReport = z.output<typeof deliveryReportSchema>;

/**
 * A report that names only the provider's message id: a Twilio Messaging Service calls its own
 * status callback URL, which carries none of our ids. The message is found by that id.
 */
export const providerReportSchema = deliveryReportSchema.omit({ conversationId: true, messageId: true });
export type ProviderReport = z.output<typeof providerReportSchema>;
