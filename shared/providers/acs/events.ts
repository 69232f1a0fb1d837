import { z } from 'zod';
import type { DeliveryReport } from '../../domain/delivery-report.js';
import { type InboundSms, inboundMessageId, inboundSmsSchema } from '../../domain/inbound-sms.js';
import { issuesFrom, ValidationError } from '../../errors.js';
import { lazily } from '../../lazy.js';

export const SMS_RECEIVED = 'Microsoft.Communication.SMSReceived';
export const SMS_DELIVERY_REPORT = 'Microsoft.Communication.SMSDeliveryReportReceived';
export const SUBSCRIPTION_VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** One event, whichever schema carried it. */
export interface AcsEvent {
  id: string;
  type: string;
  data: unknown;
  /** When the event happened (Event Grid's eventTime, CloudEvents' time): the same on every redelivery. */
  time?: string | undefined;
}

/** The Event Grid SDK is loaded with the first delivery: a deployment without ACS never loads it. */
const deserializer = lazily(async () => new (await import('@azure/eventgrid')).EventGridDeserializer());

/**
 * Reads an Event Grid or CloudEvents delivery, single or batched, checking the envelope with the
 * Event Grid SDK. `data` is not checked here: it is parsed per event type below.
 */
export async function readEvents(body: unknown): Promise<AcsEvent[]> {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return [];
  const cloud = items.every((item) => typeof item === 'object' && item !== null && 'specversion' in item);
  // The SDK takes an array at run time; its types only name a single object or a string.
  const encoded = items as unknown as Record<string, unknown>;
  const sdk = await deserializer();
  try {
    if (cloud) {
      return (await sdk.deserializeCloudEvents(encoded)).map((e) => ({
        id: e.id,
        type: e.type,
        data: e.data,
        time: e.time?.toISOString(),
      }));
    }
    return (await sdk.deserializeEventGridEvents(encoded)).map((e) => ({
      id: e.id,
      type: e.eventType,
      data: e.data,
      time: e.eventTime.toISOString(),
    }));
  } catch (error) {
    throw new ValidationError(`not an Event Grid or CloudEvents delivery: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
}

/** One item of a delivery: an event, or why its envelope could not be read (with what it told). */
export type DeliveredEvent =
  | { event: AcsEvent }
  | {
      invalid: string;
      id: string | undefined;
      type: string | undefined;
      time: string | undefined;
      data: unknown;
    };

const stringField = (item: unknown, ...names: string[]) => {
  if (typeof item !== 'object' || item === null) return undefined;
  for (const name of names) {
    const value = (item as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
};

/**
 * Reads a delivery item by item: an envelope the SDK refuses is reported on its own, so one bad
 * event does not cost the others (Event Grid does not retry a 400, so a refused batch is lost).
 * A body that is not an event or a list of them at all is refused whole.
 */
export async function readEachEvent(body: unknown): Promise<DeliveredEvent[]> {
  if (typeof body !== 'object' || body === null) {
    throw new ValidationError(
      'not an Event Grid or CloudEvents delivery: the body is not an event or a list',
    );
  }
  const items: unknown[] = Array.isArray(body) ? body : [body];
  return Promise.all(
    items.map(async (item): Promise<DeliveredEvent> => {
      try {
        const [event] = await readEvents([item]);
        if (!event) throw new ValidationError('no event');
        return { event };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return {
          invalid: error.message,
          id: stringField(item, 'id'),
          type: stringField(item, 'eventType', 'type'),
          time: stringField(item, 'eventTime', 'time'),
          data: typeof item === 'object' && item !== null ? (item as { data?: unknown }).data : undefined,
        };
      }
    }),
  );
}

/** Official samples disagree on casing (`messageId`, `MessageId`): read both. */
function camelKeys(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key.charAt(0).toLowerCase() + key.slice(1), value]),
  );
}

/** Numbers sometimes arrive without `+`: all digits and long enough means E.164; short codes stay. */
export function normaliseAcsNumber(raw: string): string {
  const trimmed = raw.trim();
  return /^\d{7,15}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

const number = z.string().min(1).transform(normaliseAcsNumber);
const instant = z
  .string()
  .min(1)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp')
  .transform((value) => new Date(value).toISOString());

const receivedData = z.looseObject({
  messageId: z.string().min(1),
  from: number,
  to: number,
  message: z.string(),
  receivedTimestamp: instant.optional(),
});

const reportData = z.looseObject({
  messageId: z.string().min(1),
  from: number,
  to: number,
  deliveryStatus: z.string().min(1),
  deliveryStatusDetails: z.string().optional(),
  receivedTimestamp: instant.optional(),
  tag: z.string().optional(),
});

function invalid(what: string, error: z.ZodError): never {
  throw new ValidationError(`${what} is invalid`, issuesFrom(error.issues));
}

export function parseSmsReceived(event: AcsEvent, now: string): InboundSms {
  const parsed = receivedData.safeParse(camelKeys(event.data));
  if (!parsed.success) invalid('ACS SMSReceived event', parsed.error);
  const data = parsed.data;
  const sms = inboundSmsSchema.safeParse({
    id: inboundMessageId('acs', data.messageId),
    provider: 'acs',
    providerMessageId: data.messageId,
    from: data.from,
    to: data.to,
    text: data.message,
    media: [],
    receivedAt: data.receivedTimestamp ?? now,
  });
  if (!sms.success) invalid('ACS SMSReceived event', sms.error);
  return sms.data;
}

const TAG_PREFIX = 'sms1';

/** What we put in the send's tag so the delivery report names its message. */
export function deliveryTag(conversationId: string, messageId: string): string {
  return `${TAG_PREFIX}:${conversationId}:${messageId}`;
}

/** Blocked-recipient wording in ACS failures: the recipient opted out (STOP) or the carrier blocks us. */
const OPT_OUT = /opt(ed)?[\s-]?out|unsubscribed|blocked for given recipient/i;
export const looksOptedOut = (details: string) => OPT_OUT.test(details);

export interface AcsReport {
  report: DeliveryReport;
  ourNumber: string;
  customer: string;
}

/**
 * A delivery report, or undefined when it is not about a message we sent (no tag of ours) or its
 * status is not one we track.
 */
export function parseDeliveryReport(event: AcsEvent, now: string): AcsReport | undefined {
  const parsed = reportData.safeParse(camelKeys(event.data));
  if (!parsed.success) invalid('ACS SMSDeliveryReportReceived event', parsed.error);
  const data = parsed.data;
  const [prefix, conversationId, messageId] = (data.tag ?? '').split(':');
  if (prefix !== TAG_PREFIX || !conversationId || !messageId) return undefined;
  const status = data.deliveryStatus.toLowerCase();
  if (status !== 'delivered' && status !== 'failed') return undefined;
  const details = data.deliveryStatusDetails ?? '';
  return {
    report: {
      provider: 'acs',
      providerMessageId: data.messageId,
      conversationId,
      messageId,
      status,
      reason: status === 'failed' ? `ACS: ${details || 'delivery failed'}` : null,
      recipientOptedOut: status === 'failed' && looksOptedOut(details),
      reportedAt: data.receivedTimestamp ?? now,
    },
    ourNumber: data.from,
    customer: data.to,
  };
}
