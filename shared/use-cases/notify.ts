import { hash } from 'node:crypto';
import { numbersOf } from '../domain/channel-number.js';
import { fill } from '../domain/localized.js';
import type { Message } from '../domain/message.js';
import { messageSegments } from '../domain/message.js';
import {
  type Notification,
  type NotificationRequest,
  notificationPartition,
  type RecipientOutcome,
} from '../domain/notification.js';
import { type PhoneNumber, parsePhoneNumber } from '../domain/phone.js';
import { allowedSendTime } from '../domain/quiet-hours.js';
import { inPool, pickSenders } from '../domain/sticky-sender.js';
import { currentVersion, type TemplateVersion, templateText } from '../domain/template.js';
import { AlreadyExistsError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { type OutgoingMessage, queueNames } from '../ports.js';
import type { CoreDeps } from './deps.js';
import { optedOutOf } from './erased-opt-outs.js';
import { outboundSessionFor } from './send-pace.js';

const sha256 = (text: string) => hash('sha256', text);

/**
 * Recipients planned between turns given to other work. The embedded store answers synchronously,
 * so planning 100 recipients (about 60 µs each: number, consent, quiet hours, text) held the local
 * host's HTTP thread for several milliseconds while webhooks and agents' requests waited; on
 * Cosmos DB every read already waits for the network.
 */
const RECIPIENTS_PER_TURN = 10;
const otherWorkTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A flow's notification: one text to each recipient, through the outbound queue like every other
 * message (consent, pacing, retries). With an idempotency key every id is derived from it, so a
 * retried call queues nothing new and answers what the first call answered; the same key with
 * another request is refused. Invalid and opted-out recipients are refused one by one.
 */
export async function sendNotification(
  deps: CoreDeps,
  request: NotificationRequest,
  idempotencyKey?: string,
): Promise<Notification> {
  const channel = deps.directory.channel(request.channelId);
  const requestHash = sha256(JSON.stringify(request));
  const id = idempotencyKey ? sha256(`${channel.id}\n${idempotencyKey}`).slice(0, 32) : deps.ids.next();
  const earlier = await deps.store.getNotification(id);
  if (earlier) return answerAgain(earlier.value, requestHash);

  const now = deps.clock.now().toISOString();
  // The channel's numbers are its pool: each recipient always hears from the same one of them.
  const pool = numbersOf(channel);
  if (pool.length === 0) throw new ConflictError(`channel ${channel.id} has no number to send from`);
  const version = request.templateId ? await templateVersion(deps, request) : undefined;
  // Every recipient is planned first (number, consent, quiet hours, the filled text), so a request
  // that fails for one of them (a text too long once filled) queues nothing at all.
  type Planned = {
    to: PhoneNumber;
    text: string;
    language: string | undefined;
    slot: { at: Date; held: boolean };
  };
  const plan: (Planned | Extract<RecipientOutcome, { status: 'refused' }>)[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of request.to.entries()) {
    if (index > 0 && index % RECIPIENTS_PER_TURN === 0) await otherWorkTurn();
    let to: PhoneNumber;
    try {
      to = parsePhoneNumber(raw, 'recipient');
    } catch (error) {
      plan.push({ to: raw, status: 'refused', reason: (error as Error).message });
      continue;
    }
    if (seen.has(to)) continue;
    seen.add(to);
    if (await optedOutOf(deps, channel.id, to, await deps.store.getCustomer(channel.id, to))) {
      plan.push({ to, status: 'refused', reason: 'the recipient opted out of this channel' });
      continue;
    }
    // Quiet hours hold a notification until the recipient's window opens, in their time zone, or
    // refuse it when the flow asked so.
    const wanted = request.sendAt ? new Date(request.sendAt) : deps.clock.now();
    const window = channel.notificationWindow;
    const slot = window ? allowedSendTime(to, window, wanted) : { at: wanted, held: false };
    if (slot.held && request.quietHours === 'refuse') {
      plan.push({
        to,
        status: 'refused',
        reason: `quiet hours: the recipient's window is ${window?.from}-${window?.to}, their time`,
      });
      continue;
    }
    const { text, language } = version
      ? await renderFor(deps, version, request, to)
      : { text: request.text ?? '', language: undefined };
    plan.push({ to, text, language, slot });
  }

  const senders = await sendersFor(
    deps,
    channel.id,
    pool,
    plan.flatMap((planned) => ('status' in planned ? [] : [planned.to])),
  );

  // Accepted in two writes whatever the count, on a channel of one number: one batch to the
  // outbound queue (on Service Bus one per session: a number's, or each lane's of a fast number),
  // then the notification. Over a pool, the senders of recipients new to it are written first
  // (sendersFor: one more write on the embedded store, one each on Cosmos DB). Each
  // recipient's message record is the outbound worker's to create (it stores a message it does not
  // find); until then the status answers queued. A crash between the two leaves messages queued
  // for a notification not written yet: the caller saw a failure and retries with the same
  // Idempotency-Key, which derives the same ids, so the queue drops the repeats and the
  // notification is written then (docs/decisions.md).
  const recipients: RecipientOutcome[] = [];
  const outgoing: OutgoingMessage[] = [];
  for (const planned of plan) {
    if ('status' in planned) {
      recipients.push(planned);
      continue;
    }
    const { to, text, language, slot } = planned;
    const from = senders.get(to);
    if (from === undefined) throw new Error('a recipient was left without a sender');
    const message: Message = {
      id: `${id}-${recipients.length + 1}`,
      conversationId: notificationPartition(id),
      seq: recipients.length + 1,
      direction: 'outbound',
      author: { kind: 'system' },
      from,
      to,
      text,
      segments: messageSegments(text),
      createdAt: now,
      provider: channel.provider,
      providerMessageId: null,
      status: 'queued',
      failureReason: null,
      purpose: 'notification',
    };
    outgoing.push({
      id: message.id,
      sessionId: outboundSessionFor(deps.sendRates, channel, from, to),
      body: message,
      ...(request.sendAt || slot.held ? { scheduledAt: slot.at } : {}),
    });
    recipients.push({
      to,
      status: 'queued',
      messageId: message.id,
      ...(slot.held ? { heldUntil: slot.at.toISOString() } : {}),
      ...(language ? { language } : {}),
    });
  }
  await deps.queue.sendBatch(queueNames.outbound, outgoing);

  const notification: Notification = {
    id,
    channelId: channel.id,
    requestHash,
    createdAt: now,
    sendAt: request.sendAt ?? null,
    ...(version && request.templateId
      ? { template: { id: request.templateId, version: version.version } }
      : {}),
    recipients,
  };
  try {
    await deps.store.createNotification(notification);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const raced = await deps.store.getNotification(id);
    if (!raced) throw error;
    return answerAgain(raced.value, requestHash);
  }
  deps.logger.info('notification.accepted', {
    notificationId: id,
    channelId: channel.id,
    queued: recipients.filter((r) => r.status === 'queued').length,
    refused: recipients.filter((r) => r.status === 'refused').length,
  });
  return notification;
}

/**
 * Each recipient's number of the pool, remembered before anything is queued so the next
 * notification finds it, and a retry of this one (or the one after a crash) finds the same
 * (docs/decisions.md, "A channel's numbers are its notification pool"). What the store answers
 * wins over the pick: another notification may have remembered a customer first. A channel of one
 * number has nothing to choose, reads nothing and writes nothing.
 */
async function sendersFor<N extends string>(
  deps: CoreDeps,
  channelId: string,
  pool: readonly N[],
  recipients: readonly PhoneNumber[],
): Promise<Map<string, N>> {
  if (pool.length < 2)
    return pickSenders(
      pool,
      recipients.map((to) => ({ to })),
    );
  const remembered = await deps.store.getNotificationSenders(channelId, recipients);
  const picks = pickSenders(
    pool,
    recipients.map((to) => ({ to, remembered: remembered.get(to) })),
  );
  const toRemember = recipients.flatMap((customer) => {
    const sender = picks.get(customer);
    return sender !== undefined && sender !== remembered.get(customer) ? [{ customer, sender }] : [];
  });
  if (toRemember.length === 0) return picks;
  const kept = await deps.store.rememberNotificationSenders(channelId, pool, toRemember);
  for (const [customer, sender] of kept) {
    const number = inPool(pool, sender);
    if (number !== undefined) picks.set(customer, number);
  }
  return picks;
}

/**
 * The template's newest version, checked against the request once: every variable it uses (in any
 * language) must have a value, so no recipient gets a text with a hole in it.
 */
async function templateVersion(deps: CoreDeps, request: NotificationRequest): Promise<TemplateVersion> {
  const stored = await deps.store.getTemplate(request.templateId ?? '');
  if (!stored) throw new NotFoundError(`template ${request.templateId} does not exist`);
  const version = currentVersion(stored.value);
  const missing = version.variables.filter((name) => request.values[name] === undefined);
  if (missing.length > 0) {
    throw new ValidationError(`template ${stored.value.id} needs values for ${missing.join(', ')}`, [
      { path: 'values', message: `missing: ${missing.join(', ')}` },
    ]);
  }
  return version;
}

/** The text for one recipient: the request's language, else their contact's, else the template's. */
async function renderFor(
  deps: CoreDeps,
  version: TemplateVersion,
  request: NotificationRequest,
  to: PhoneNumber,
) {
  const language = request.language ?? (await deps.store.getContact(to))?.value.language;
  const picked = templateText(version, language);
  return { text: fill(picked.text, request.values, { field: 'values' }), language: picked.language };
}

function answerAgain(earlier: Notification, requestHash: string): Notification {
  if (earlier.requestHash !== requestHash) {
    throw new ConflictError('this Idempotency-Key was already used for a different request');
  }
  return earlier;
}

export interface RecipientStatus {
  to: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'refused';
  messageId: string | null;
  reason: string | null;
  /** Quiet hours hold it until then. */
  heldUntil?: string;
}

/** Where each recipient's message is now (statuses move on with sends and delivery reports). */
export async function notificationStatus(deps: CoreDeps, id: string) {
  const stored = await deps.store.getNotification(id);
  if (!stored) throw new NotFoundError(`notification ${id} does not exist`);
  const notification = stored.value;
  const recipients: RecipientStatus[] = await Promise.all(
    notification.recipients.map(async (recipient): Promise<RecipientStatus> => {
      if (recipient.status === 'refused')
        return { to: recipient.to, status: 'refused', messageId: null, reason: recipient.reason };
      const message = (await deps.store.getMessage(notificationPartition(id), recipient.messageId))?.value;
      const status = message?.status === 'received' || !message ? 'queued' : message.status;
      return {
        to: recipient.to,
        status,
        messageId: recipient.messageId,
        reason: message?.failureReason ?? null,
        ...(recipient.heldUntil ? { heldUntil: recipient.heldUntil } : {}),
      };
    }),
  );
  return {
    id,
    channelId: notification.channelId,
    createdAt: notification.createdAt,
    sendAt: notification.sendAt,
    recipients,
  };
}
