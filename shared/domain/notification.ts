import { z } from 'zod';
import { validateMessageText } from './message.js';

/** A flow's request: one text to up to 100 recipients on one channel, now or at a given time. */
export const notificationRequestSchema = z.object({
  channelId: z.string().min(1),
  to: z
    .union([z.string(), z.array(z.string()).min(1).max(100)])
    .transform((to) => (Array.isArray(to) ? to : [to])),
  text: z.string().transform((text, ctx) => {
    try {
      return validateMessageText(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  sendAt: z.iso.datetime({ offset: true }).optional(),
});
export type NotificationRequest = z.output<typeof notificationRequestSchema>;

export type RecipientOutcome =
  | { to: string; status: 'queued'; messageId: string; heldUntil?: string }
  | { to: string; status: 'refused'; reason: string };

/** What was asked and what became of each recipient at the time; statuses move on in the messages. */
export interface Notification {
  id: string;
  channelId: string;
  /** A digest of the request, so an idempotency key reused for another request is caught. */
  requestHash: string;
  createdAt: string;
  sendAt: string | null;
  recipients: RecipientOutcome[];
}

/** Notification messages live in a partition of their own, like a conversation's. */
export const notificationPartition = (notificationId: string) => `notification:${notificationId}`;
