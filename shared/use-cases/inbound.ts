import type { Channel } from '../domain/channel.js';
import { keywordOf } from '../domain/consent.js';
import { type Conversation, openConversation } from '../domain/conversation.js';
import { newCustomerState, rememberProcessed } from '../domain/customer.js';
import { closedReply, opennessAt } from '../domain/hours.js';
import type { InboundSms } from '../domain/inbound-sms.js';
import { maskPhone } from '../domain/mask.js';
import { route } from '../domain/routing.js';
import { AlreadyExistsError } from '../errors.js';
import type { Stored } from '../ports.js';
import { appendInbound } from './append-inbound.js';
import { requestAssignment } from './assignment-request.js';
import type { CoreDeps } from './deps.js';
import { handleKeyword } from './keywords.js';
import { retryOnConflict } from './optimistic.js';
import { queueOutbound } from './outbound.js';

export type InboundOutcome =
  | { status: 'stored'; conversationId: string; messageId: string; state: Conversation['state'] }
  | { status: 'duplicate'; messageId: string }
  | { status: 'dropped'; messageId: string; reason: string };

type Found = { kind: 'duplicate' } | { kind: 'conversation'; stored: Stored<Conversation> };

/**
 * Finds the customer's unclosed conversation on the channel, or opens one. The customer record's
 * pointer is written first, under its ETag: of two racing first messages only one pointer write
 * wins, and the loser re-reads and joins the winner's conversation.
 */
async function findOrOpen(deps: CoreDeps, channel: Channel, sms: InboundSms): Promise<Found> {
  return retryOnConflict(async (): Promise<Found> => {
    const storedCustomer = await deps.store.getCustomer(channel.id, sms.from);
    const customer = storedCustomer?.value ?? newCustomerState(channel.id, sms.from);
    if (customer.processedMessageIds.includes(sms.id)) return { kind: 'duplicate' };

    let conversationId = customer.openConversationId;
    if (conversationId) {
      const existing = await deps.store.getConversation(conversationId);
      if (existing && existing.value.state !== 'closed') return { kind: 'conversation', stored: existing };
      // A pointer without its conversation means a crash between the two writes: finish the job.
      if (existing) conversationId = null;
    }
    if (!conversationId) {
      conversationId = deps.ids.next();
      await deps.store.putCustomer(
        { ...customer, openConversationId: conversationId },
        storedCustomer?.etag ?? null,
      );
    }
    const now = deps.clock.now();
    const routed = route(channel, { text: sms.text, to: sms.to, at: now });
    const conversation = openConversation({
      id: conversationId,
      channelId: channel.id,
      channelNumber: sms.to,
      customer: sms.from,
      queueId: routed.queueId,
      ...(routed.skills.length > 0 ? { requiredSkills: routed.skills } : {}),
      at: now.toISOString(),
    });
    try {
      return { kind: 'conversation', stored: await deps.store.createConversation(conversation) };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      const existing = await deps.store.getConversation(conversationId);
      if (!existing) throw error;
      return { kind: 'conversation', stored: existing };
    }
  });
}

/**
 * The inbound worker's use case: one customer message, at least once. Every step is idempotent, so
 * a redelivery after a crash at any point resumes without duplicating the conversation or message.
 */
export async function receiveInbound(deps: CoreDeps, sms: InboundSms): Promise<InboundOutcome> {
  const log = { messageId: sms.id, customer: maskPhone(sms.from) };
  const channel = deps.directory.channelForNumber(sms.to);
  if (!channel || channel.direction === 'outbound-only') {
    const reason = channel ? 'channel is outbound-only' : 'no channel has this number';
    deps.logger.warn('inbound.dropped', { ...log, reason });
    return { status: 'dropped', messageId: sms.id, reason };
  }

  const keyword = keywordOf(sms.text, channel.consent);
  if (keyword) return handleKeyword(deps, channel, sms, keyword);

  const found = await findOrOpen(deps, channel, sms);
  if (found.kind === 'duplicate') {
    deps.logger.info('inbound.duplicate', log);
    return { status: 'duplicate', messageId: sms.id };
  }

  let conversation = found.stored.value;
  const alreadyStored = await deps.store.getMessage(conversation.id, sms.id);
  // The queue hears about a conversation when it joins the waiting line: the first message, or a
  // customer back to a set-aside conversation whose agent is gone. On a redelivery we cannot tell
  // whether the first attempt got that far, so we ask again (requests are idempotent).
  let joinedQueue = alreadyStored !== undefined;
  if (!alreadyStored) {
    const before = conversation.state;
    conversation = await appendInbound(deps, found.stored, sms);
    joinedQueue = conversation.lastSeq === 1 || (before === 'waiting' && conversation.state === 'open');
  }

  await retryOnConflict(async () => {
    const stored = await deps.store.getCustomer(channel.id, sms.from);
    if (!stored || stored.value.processedMessageIds.includes(sms.id)) return;
    await deps.store.putCustomer(rememberProcessed(stored.value, sms.id), stored.etag);
  });

  if (conversation.state === 'open' && joinedQueue) {
    const now = deps.clock.now();
    const openness = channel.hours ? opennessAt(channel.hours, now) : undefined;
    if (openness && !openness.open) {
      // Told once, when the conversation joins the queue; it waits there for the opening.
      await queueOutbound(
        deps,
        conversation.id,
        closedReply(channel, openness, now),
        { kind: 'system' },
        {
          id: `${sms.id}:closed`,
          purpose: 'automated',
        },
      );
    }
    await requestAssignment(deps, conversation.queueId, 'customer message');
  }
  deps.logger.info('inbound.stored', { ...log, conversationId: conversation.id, state: conversation.state });
  return { status: 'stored', conversationId: conversation.id, messageId: sms.id, state: conversation.state };
}
