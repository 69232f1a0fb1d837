import type { Contact } from '../domain/contact.js';
import type { Conversation } from '../domain/conversation.js';
import {
  anonymisedConversation,
  ERASED_CUSTOMER,
  MIN_ERASURE_KEY_LENGTH,
  optOutKey,
} from '../domain/erasure.js';
import { customerSubject, ERASURE_CLOSE_REASON } from '../domain/integration-event.js';
import { maskPhone } from '../domain/mask.js';
import type { Message } from '../domain/message.js';
import { type Notification, notificationPartition } from '../domain/notification.js';
import { type PhoneNumber, parsePhoneNumber } from '../domain/phone.js';
import { ConflictError } from '../errors.js';
import type { EventSubscriptions, Stored } from '../ports.js';
import { closeConversation } from './conversations.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/** Conversations and notifications read per page while gathering a customer's data. */
const PAGE = 100;

/** What an erasure removed or made anonymous, in counts (the number itself only masked). */
export interface ErasureResult {
  customer: string;
  erasedAt: string;
  /** Whether a contact record was deleted. */
  contact: boolean;
  /** The channels whose customer record (consent, pointers, processed message ids) was deleted. */
  customerRecords: string[];
  /** The channels whose remembered notification sender (the pool number they heard from) was forgotten. */
  notificationSenders: string[];
  /** Conversations made anonymous (kept without number, name or texts, for the figures). */
  conversations: number;
  /** Of those, the ones under way that the erasure closed first. */
  closed: number;
  /** Messages deleted: the conversations' and the notifications' sent to the number. */
  messages: number;
  /** Lookups from a provider's message id to a deleted message, deleted with it. */
  providerMessageIds: number;
  /** Notifications whose recipient entry for the number was made anonymous. */
  notifications: number;
  /** The channels the customer had opted out of: kept by a keyed hash of the number only. */
  optOutsKept: string[];
  /** Logged webhook deliveries of events about them, forgotten (the embedded default keeps a log). */
  eventDeliveries: number;
}

/** A customer's data as one document: what the product keeps about them (the right of access). */
export interface CustomerExport {
  customer: PhoneNumber;
  exportedAt: string;
  contact: Contact | null;
  channels: {
    channelId: string;
    optedOut: boolean;
    consentChangedAt: string | null;
    consentChangedVia: string | null;
    lastAgentId: string | null;
  }[];
  /** The pool number they hear notifications from, per channel that remembers one. */
  notificationSenders: { channelId: string; sender: string }[];
  conversations: (Conversation & { messages: Message[] })[];
  notifications: {
    id: string;
    channelId: string;
    createdAt: string;
    sendAt: string | null;
    template?: { id: string; version: number };
    outcome: Notification['recipients'][number];
    messages: Message[];
  }[];
}

function erasureKeyOf(deps: CoreDeps): string {
  const key = deps.erasureKey;
  if (!key || key.length < MIN_ERASURE_KEY_LENGTH) {
    // The admin is told what the deployment lacks (a 409 that says it), not an internal error.
    throw new ConflictError(
      `this deployment cannot erase customers: erasing needs SMS_ERASURE_KEY (a secret of at least ${MIN_ERASURE_KEY_LENGTH} characters) to keep their opt-outs by a keyed hash of the number`,
    );
  }
  return key;
}

/** Every conversation of the customer on a channel, newest first: pages of their own partition. */
export async function conversationsOf(deps: CoreDeps, channelId: string, customer: PhoneNumber) {
  const found: Stored<Conversation>[] = [];
  for (;;) {
    const last = found.at(-1)?.value;
    const page = await deps.store.findCustomerConversations({
      channelId,
      customer,
      limit: PAGE,
      ...(last ? { before: { createdAt: last.createdAt, id: last.id } } : {}),
    });
    found.push(...page);
    if (page.length < PAGE) return found;
  }
}

/** Every notification with the number among its recipients (a query of every partition, paged). */
async function notificationsTo(deps: CoreDeps, number: PhoneNumber) {
  const found: Stored<Notification>[] = [];
  let continuation: string | undefined;
  do {
    const page = await deps.store.findNotificationsTo(number, {
      limit: PAGE,
      ...(continuation ? { continuation } : {}),
    });
    found.push(...page.notifications);
    continuation = page.continuation;
  } while (continuation);
  return found;
}

/** Deletes messages and the provider-id lookups that point at them; how many of each. */
async function deleteMessages(deps: CoreDeps, messages: Message[]) {
  let providerMessageIds = 0;
  for (const message of messages) {
    // Only a sent message has a lookup (written when the provider took it).
    if (message.direction === 'outbound' && message.providerMessageId) {
      await deps.store.deleteProviderMessage(message.provider, message.providerMessageId);
      providerMessageIds += 1;
    }
    await deps.store.deleteMessage(message.conversationId, message.id);
  }
  return { messages: messages.length, providerMessageIds };
}

/**
 * Erases a customer (the right to erasure): their contact, their record on every channel, the
 * texts of every conversation and notification they had. Conversations stay, anonymous, so the
 * supervisor's figures do not change; their opt-outs stay as a keyed hash of the number, so erasing
 * them never lets a message reach them again, and the erasure's time stays with them, so a message
 * queued for them before it is never sent. Safe to repeat: a second erasure finds nothing left.
 * The opt-outs are written first, so an erasure interrupted midway has kept them already.
 */
export async function eraseCustomer(
  deps: CoreDeps,
  rawNumber: string,
  eventLog?: Pick<EventSubscriptions, 'forgetDeliveries'>,
): Promise<ErasureResult> {
  const secret = erasureKeyOf(deps);
  const number = parsePhoneNumber(rawNumber, 'number');
  const at = deps.clock.now().toISOString();
  const states = await deps.store.listCustomerStates(number);

  const optedOut = states.filter((s) => s.value.optedOut).map((s) => s.value.channelId);
  // Their own record says it on every channel they have one on; an earlier erasure's on the others.
  const recorded = new Set(states.map((s) => s.value.channelId));
  const key = optOutKey(secret, number);
  const optOutsKept = await retryOnConflict(async () => {
    const stored = await deps.store.getErasedOptOut(key);
    const kept = (stored?.value.channelIds ?? []).filter((id) => !recorded.has(id));
    const channelIds = [...kept, ...optedOut].sort();
    // Written on every erasure, for a number that never opted out too (no channels): its time is
    // what stops a reply or notification still queued from going out and being stored again
    // (deliver.ts). A channel opted back into leaves it.
    await deps.store.putErasedOptOut({ key, channelIds, erasedAt: at }, stored?.etag ?? null);
    return channelIds;
  });

  const result: ErasureResult = {
    customer: maskPhone(number),
    erasedAt: at,
    contact: false,
    customerRecords: [],
    notificationSenders: [],
    conversations: 0,
    closed: 0,
    messages: 0,
    providerMessageIds: 0,
    notifications: 0,
    optOutsKept,
    eventDeliveries: 0,
  };
  // What the webhook log holds about them: their conversations' events (their messages' under
  // them), their consent events (whose subject hashes the number without a key), and the events of
  // the notification messages sent to them.
  const subjects = states.map((s) => customerSubject(s.value.channelId, number));

  for (const state of states) {
    const channelId = state.value.channelId;
    for (const found of await conversationsOf(deps, channelId, number)) {
      const id = found.value.id;
      if (found.value.state !== 'closed') {
        const closed = await closeConversation(
          deps,
          id,
          { kind: 'system' },
          ERASURE_CLOSE_REASON,
          () => true,
          {
            goodbye: false,
          },
        );
        if (closed) result.closed += 1;
      }
      const removed = await deleteMessages(deps, await deps.store.listMessages(id));
      result.messages += removed.messages;
      result.providerMessageIds += removed.providerMessageIds;
      await retryOnConflict(async () => {
        const current = await deps.store.getConversation(id);
        if (!current || current.value.customer !== number) return;
        await deps.store.replaceConversation(anonymisedConversation(current.value, at), current.etag);
      });
      result.conversations += 1;
      subjects.push(`conversations/${id}`);
    }
    if (await deps.store.deleteCustomer(channelId, number)) result.customerRecords.push(channelId);
  }
  for (const found of await notificationsTo(deps, number)) {
    const id = found.value.id;
    const sent = (await deps.store.listMessages(notificationPartition(id))).filter((m) => m.to === number);
    const removed = await deleteMessages(deps, sent);
    for (const m of sent) subjects.push(`conversations/${m.conversationId}/messages/${m.id}`);
    result.messages += removed.messages;
    result.providerMessageIds += removed.providerMessageIds;
    await retryOnConflict(async () => {
      const current = await deps.store.getNotification(id);
      if (!current) return;
      const recipients = current.value.recipients.map((r) =>
        r.to === number ? { ...r, to: ERASED_CUSTOMER } : r,
      );
      await deps.store.replaceNotification({ ...current.value, recipients }, current.etag);
    });
    result.notifications += 1;
  }
  // After the notifications: one accepted while this erasure ran writes its senders before its
  // document, so the later this reads, the less it leaves (docs/decisions.md, "remembered sender").
  result.notificationSenders = await deps.store.deleteNotificationSenders(number);

  await retryOnConflict(async () => {
    const contact = await deps.store.getContact(number);
    if (contact) result.contact = await deps.store.deleteContact(number, contact.etag);
  });

  if (eventLog?.forgetDeliveries) result.eventDeliveries = await eventLog.forgetDeliveries(subjects);

  deps.logger.info('customer.erased', {
    customer: result.customer,
    conversations: result.conversations,
    messages: result.messages,
    notifications: result.notifications,
    optOutsKept: optOutsKept.length,
  });
  return result;
}

/** Everything the product keeps about a customer, as one JSON document (the right of access). */
export async function exportCustomer(deps: CoreDeps, rawNumber: string): Promise<CustomerExport> {
  const number = parsePhoneNumber(rawNumber, 'number');
  const states = await deps.store.listCustomerStates(number);
  const conversations: CustomerExport['conversations'] = [];
  for (const state of states) {
    for (const found of await conversationsOf(deps, state.value.channelId, number)) {
      conversations.push({ ...found.value, messages: await deps.store.listMessages(found.value.id) });
    }
  }
  const notifications: CustomerExport['notifications'] = [];
  for (const found of await notificationsTo(deps, number)) {
    const n = found.value;
    const outcome = n.recipients.find((r) => r.to === number);
    if (!outcome) continue;
    const messages = (await deps.store.listMessages(notificationPartition(n.id))).filter(
      (m) => m.to === number,
    );
    notifications.push({
      id: n.id,
      channelId: n.channelId,
      createdAt: n.createdAt,
      sendAt: n.sendAt,
      ...(n.template ? { template: n.template } : {}),
      outcome,
      messages,
    });
  }
  return {
    customer: number,
    exportedAt: deps.clock.now().toISOString(),
    contact: (await deps.store.getContact(number))?.value ?? null,
    channels: states.map(({ value }) => ({
      channelId: value.channelId,
      optedOut: value.optedOut,
      consentChangedAt: value.consentChangedAt ?? null,
      consentChangedVia: value.consentChangedVia ?? null,
      lastAgentId: value.lastAgentId,
    })),
    notificationSenders: await deps.store.listNotificationSenders(number),
    conversations,
    notifications,
  };
}
