import { z } from 'zod';
import type { DeliveryReport } from '../../domain/delivery-report.js';
import { type InboundSms, inboundMessageId, inboundSmsSchema } from '../../domain/inbound-sms.js';
import { issuesFrom, ValidationError } from '../../errors.js';

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

const envelopeInstant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp')
  .transform((value) => new Date(value).toISOString());

/**
 * The envelopes as Event Grid's SDK (`EventGridDeserializer`) checks them: the same required and
 * optional properties, the schema versions, a readable time. Read with schemas built once rather
 * than with the SDK: its generic, mapper-driven deserializer cost more per event than the rest of
 * reading the message, and loading it cost an ACS instance's first delivery about 200 ms.
 */
const eventGridEnvelope = z.looseObject({
  id: z.string(),
  topic: z.string(),
  subject: z.string(),
  eventType: z.string(),
  eventTime: envelopeInstant,
  dataVersion: z.string(),
  metadataVersion: z.literal('1', { error: 'not in the Event Grid schema (metadataVersion 1)' }),
  data: z.unknown(),
});

const cloudEventEnvelope = z.looseObject({
  specversion: z.literal('1.0', { error: 'not in the CloudEvents 1.0 schema' }),
  id: z.string(),
  source: z.string(),
  type: z.string(),
  time: envelopeInstant.optional(),
  subject: z.string().optional(),
  dataschema: z.string().optional(),
  datacontenttype: z.string().optional(),
  data: z.unknown().optional(),
  /** Binary data, base64-encoded in its own property; never with `data`. */
  data_base64: z.string().optional(),
});

const isObject = (item: unknown): item is Record<string, unknown> =>
  typeof item === 'object' && item !== null && !Array.isArray(item);

function refused(reason: string, issues: ReturnType<typeof issuesFrom> = []): never {
  throw new ValidationError(`not an Event Grid or CloudEvents delivery: ${reason}`, issues);
}

function refusedFor(error: z.ZodError): never {
  const issues = issuesFrom(error.issues);
  refused(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
}

/** One item of a delivery, in the schema its delivery uses. */
function readEnvelope(item: unknown, cloud: boolean): AcsEvent {
  if (!isObject(item)) refused('an event is not an object');
  if (cloud) {
    const parsed = cloudEventEnvelope.safeParse(item);
    if (!parsed.success) refusedFor(parsed.error);
    const e = parsed.data;
    if (e.data_base64 === undefined) return { id: e.id, type: e.type, data: e.data, time: e.time };
    if (e.data !== undefined) refused('an event has both data and data_base64');
    return {
      id: e.id,
      type: e.type,
      data: new Uint8Array(Buffer.from(e.data_base64, 'base64')),
      time: e.time,
    };
  }
  // On the item itself: an unknown() property of a schema passes when it is missing.
  if (item.data === undefined) refused('data: required', [{ path: 'data', message: 'required' }]);
  const parsed = eventGridEnvelope.safeParse(item);
  if (!parsed.success) refusedFor(parsed.error);
  const e = parsed.data;
  return { id: e.id, type: e.eventType, data: e.data, time: e.eventTime };
}

const isCloudEvent = (item: unknown) => isObject(item) && 'specversion' in item;

/**
 * Reads an Event Grid or CloudEvents delivery, single or batched, checking the envelope. `data` is
 * not checked here: it is parsed per event type below. A delivery is in one schema: CloudEvents
 * when every item has a `specversion`, otherwise Event Grid.
 */
export async function readEvents(body: unknown): Promise<AcsEvent[]> {
  const items = Array.isArray(body) ? body : [body];
  const cloud = items.every(isCloudEvent);
  return items.map((item) => readEnvelope(item, cloud));
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
  return items.map((item): DeliveredEvent => {
    try {
      return { event: readEnvelope(item, isCloudEvent(item)) };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return {
        invalid: error.message,
        id: stringField(item, 'id'),
        type: stringField(item, 'eventType', 'type'),
        time: stringField(item, 'eventTime', 'time'),
        data: isObject(item) ? item.data : undefined,
      };
    }
  });
}

const startsUpper = (key: string) => {
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90;
};

/**
 * Official samples disagree on casing (`messageId`, `MessageId`): read both. What ACS sends is
 * camelCase, taken as it is; a copy is made only for a PascalCase key.
 */
function camelKeys(data: unknown): Record<string, unknown> {
  if (!isObject(data)) return {};
  if (!Object.keys(data).some(startsUpper)) return data;
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
