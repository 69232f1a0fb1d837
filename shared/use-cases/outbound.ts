import type { Author, Media, Message, MessagePurpose } from '../domain/message.js';
import { messageSegments, validateMessageText } from '../domain/message.js';
import { AlreadyExistsError } from '../errors.js';
import { queueNames } from '../ports.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';
import { outboundSessionFor } from './send-pace.js';

/**
 * Puts a message on the outbound queue (session = the sender number's lane for the customer, so a
 * customer's texts keep their order and the number's rate holds across instances: send-lanes.ts).
 * The queue message carries the whole message: if we crash before the record is written, the
 * outbound worker writes it, so an accepted reply is never lost. Media must have been checked
 * against the channel (validateOutboundMedia) before: nothing checks it here.
 */
export async function queueOutbound(
  deps: CoreDeps,
  conversationId: string,
  text: string,
  author: Author,
  options: { id?: string; purpose?: MessagePurpose; media?: Media[] } = {},
): Promise<Message> {
  validateMessageText(text);
  // One conditional write while the conversation is under way; a read and a replace otherwise
  // (an agent answering a set-aside conversation, a keyword's reply on a closed one).
  const at = deps.clock.now().toISOString();
  const conversation =
    (await deps.store.takeNextSeq(conversationId, at))?.value ??
    (await retryOnConflict(async () => {
      const stored = await deps.store.getConversation(conversationId);
      if (!stored) throw new Error(`conversation ${conversationId} vanished`);
      const next = { ...stored.value, lastSeq: stored.value.lastSeq + 1, lastActivityAt: at };
      return (await deps.store.replaceConversation(next, stored.etag)).value;
    }));
  if (author.kind === 'agent' && !conversation.firstAgentReplyAt) {
    if (await markFirstAgentReply(deps, conversationId, at)) {
      deps.metrics.record('sms.first_reply_wait', Date.parse(at) - Date.parse(conversation.createdAt), {
        queue: conversation.queueId,
        channel: conversation.channelId,
      });
    }
  }
  const channel = deps.directory.channel(conversation.channelId);
  const message: Message = {
    id: options.id ?? deps.ids.next(),
    conversationId,
    seq: conversation.lastSeq,
    direction: 'outbound',
    author,
    from: conversation.channelNumber,
    to: conversation.customer,
    text,
    ...(options.media && options.media.length > 0 ? { media: options.media } : {}),
    segments: messageSegments(text),
    createdAt: conversation.lastActivityAt,
    provider: channel.provider,
    providerMessageId: null,
    status: 'queued',
    failureReason: null,
    ...(options.purpose ? { purpose: options.purpose } : {}),
  };
  // An agent's answer joins the trace of the customer's message that opened the conversation.
  const trace = author.kind === 'agent' ? conversation.traceContext : undefined;
  await deps.queue.send(queueNames.outbound, {
    id: message.id,
    // Lanes by the channel the number belongs to now, as the worker paces it and as a
    // notification from the same number picks its lane: one customer, one lane.
    sessionId: outboundSessionFor(
      deps.sendRates,
      deps.directory.channelForNumber(message.from) ?? channel,
      message.from,
      message.to,
    ),
    body: message,
    ...(trace ? { traceContext: trace } : {}),
  });
  try {
    await deps.store.createMessage(message);
  } catch (error) {
    // The outbound worker got there first and wrote it: that is the record we wanted.
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
  return message;
}

/** The customer's wait ends at the first agent reply; later replies leave it as it is. */
async function markFirstAgentReply(deps: CoreDeps, conversationId: string, at: string): Promise<boolean> {
  return retryOnConflict(async () => {
    const stored = await deps.store.getConversation(conversationId);
    if (!stored || stored.value.firstAgentReplyAt) return false;
    await deps.store.replaceConversation({ ...stored.value, firstAgentReplyAt: at }, stored.etag);
    return true;
  });
}
