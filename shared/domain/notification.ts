import { z } from 'zod';
import { languageTag } from './fields.js';
import { validateMessageText } from './message.js';

/**
 * A flow's request: one message to up to 100 recipients on one channel, now or at a given time.
 * The message is literal text, or a stored template filled with values (in each recipient's
 * language: the request's, else their contact's, else the template's default).
 */
export const notificationRequestSchema = z
  .object({
    channelId: z.string().min(1),
    to: z
      .union([z.string(), z.array(z.string()).min(1).max(100)])
      .transform((to) => (Array.isArray(to) ? to : [to])),
    text: z
      .string()
      .transform((text, ctx) => {
        try {
          return validateMessageText(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    templateId: z.string().min(1).optional(),
    /** The template's variables and their values. */
    values: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.union([z.string().max(1600), z.number()]))
      .default({}),
    /** Send in this language rather than each recipient's own. */
    language: languageTag.optional(),
    sendAt: z.iso.datetime({ offset: true }).optional(),
    /** Outside a recipient's quiet-hours window: hold it until the window opens, or refuse it. */
    quietHours: z.enum(['hold', 'refuse']).default('hold'),
  })
  .superRefine((request, ctx) => {
    if ((request.text === undefined) === (request.templateId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'give either text or templateId' });
    }
  });
export type NotificationRequest = z.output<typeof notificationRequestSchema>;

export type RecipientOutcome =
  | { to: string; status: 'queued'; messageId: string; heldUntil?: string; language?: string }
  | { to: string; status: 'refused'; reason: string };

/** What was asked and what became of each recipient at the time; statuses move on in the messages. */
export interface Notification {
  id: string;
  channelId: string;
  /** A digest of the request, so an idempotency key reused for another request is caught. */
  requestHash: string;
  createdAt: string;
  sendAt: string | null;
  /** The template and version sent, when the request named one. */
  template?: { id: string; version: number };
  recipients: RecipientOutcome[];
}

/** Notification messages live in a partition of their own, like a conversation's. */
export const notificationPartition = (notificationId: string) => `notification:${notificationId}`;

/** Whether a message's partition is a notification's rather than a conversation's. */
export const isNotificationPartition = (conversationId: string) => conversationId.startsWith('notification:');
