import type { Channel } from '../domain/channel.js';
import { type Keyword, keywordReply } from '../domain/consent.js';
import { type Conversation, openConversation, transition } from '../domain/conversation.js';
import { rememberProcessed } from '../domain/customer.js';
import type { InboundSms } from '../domain/inbound-sms.js';
import { maskPhone } from '../domain/mask.js';
import { AlreadyExistsError } from '../errors.js';
import type { Stored } from '../ports.js';
import { appendInbound } from './append-inbound.js';
import { setConsent } from './consent.js';
import { closeConversation } from './conversations.js';
import type { CoreDeps } from './deps.js';
import type { InboundOutcome } from './inbound-outcome.js';
import { retryOnConflict } from './optimistic.js';
import { queueOutbound } from './outbound.js';

/**
 * Where a keyword is recorded: the customer's unclosed conversation if there is one, else a
 * conversation of its own that is closed from the start (the consent trail), never a new open
 * one: a keyword is not a request for an agent.
 */
async function recordIn(deps: CoreDeps, channel: Channel, sms: InboundSms): Promise<Stored<Conversation>> {
  const customer = await deps.store.getCustomer(channel.id, sms.from);
  const unclosedId = customer?.value.openConversationId;
  if (unclosedId) {
    const unclosed = await deps.store.getConversation(unclosedId);
    if (unclosed && unclosed.value.state !== 'closed') return unclosed;
  }
  const at = deps.clock.now().toISOString();
  const id = `keyword:${sms.id}`;
  const opened = openConversation({
    id,
    channelId: channel.id,
    channelNumber: sms.to,
    customer: sms.from,
    queueId: channel.defaultQueueId,
    at,
  });
  const closed = transition(opened, { type: 'close', reason: 'consent keyword' }, { kind: 'customer' }, at);
  try {
    return await deps.store.createConversation({ ...closed, closedAt: at });
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const existing = await deps.store.getConversation(id);
    if (!existing) throw error;
    return existing;
  }
}

/**
 * STOP, START, HELP and their synonyms, whether or not a conversation is open. Consent changes
 * first, so nothing else goes out from that moment; the message is kept where the agent sees it;
 * STOP closes the conversation; one reply answers. Every step is idempotent (the reply's id comes
 * from the keyword message's), and the message is marked processed last, so a redelivery after a
 * crash finishes the job without a second reply.
 */
export async function handleKeyword(
  deps: CoreDeps,
  channel: Channel,
  sms: InboundSms,
  keyword: Keyword,
): Promise<InboundOutcome> {
  const log = { messageId: sms.id, customer: maskPhone(sms.from), channelId: channel.id, keyword };
  const before = await deps.store.getCustomer(channel.id, sms.from);
  if (before?.value.processedMessageIds.includes(sms.id)) return { status: 'duplicate', messageId: sms.id };

  if (keyword !== 'help') {
    // The word itself, as the customer sent it: a keyword is a configured word, not personal data.
    const via = `keyword ${sms.text.trim().toUpperCase().slice(0, 40)}`;
    await setConsent(deps, channel.id, sms.from, keyword === 'opt-out', via);
  }
  const place = await recordIn(deps, channel, sms);
  let conversation = (await deps.store.getMessage(place.value.id, sms.id))
    ? place.value
    : await appendInbound(deps, place, sms);
  if (keyword === 'opt-out' && conversation.state !== 'closed') {
    // Closed like any other: its goodbye sends nothing to a customer now opted out, and records a
    // survey an earlier end sent but did not record.
    conversation =
      (await closeConversation(deps, conversation.id, { kind: 'customer' }, 'customer opted out (STOP)')) ??
      conversation;
  }

  const optedOut = (await deps.store.getCustomer(channel.id, sms.from))?.value.optedOut ?? false;
  if (!(keyword === 'help' && optedOut)) {
    await queueOutbound(
      deps,
      conversation.id,
      keywordReply(keyword, channel.consent, channel.name, channel.direction === 'outbound-only', {
        customer: conversation.language ?? (await deps.store.getContact(sms.from))?.value.language,
        channel: channel.language,
      }),
      { kind: 'system' },
      {
        id: `${sms.id}:reply`,
        purpose: keyword === 'opt-out' ? 'opt-out-confirmation' : 'keyword-reply',
      },
    );
  }

  await retryOnConflict(async () => {
    const stored = await deps.store.getCustomer(channel.id, sms.from);
    if (!stored || stored.value.processedMessageIds.includes(sms.id)) return;
    await deps.store.putCustomer(rememberProcessed(stored.value, sms.id), stored.etag);
  });
  deps.logger.info('consent.keyword', log);
  return { status: 'stored', conversationId: conversation.id, messageId: sms.id, state: conversation.state };
}
