import { type Conversation, transition } from '../domain/conversation.js';
import type { InboundSms } from '../domain/inbound-sms.js';
import { type Message, messageSegments } from '../domain/message.js';
import { AlreadyExistsError } from '../errors.js';
import type { Stored } from '../ports.js';
import { reserveCapacity } from './agent-capacity.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/**
 * Stores a customer's message in a conversation under its next sequence number (idempotent: the
 * message id is the provider's) and returns the conversation as it now is.
 */
export async function appendInbound(
  deps: CoreDeps,
  into: Stored<Conversation>,
  sms: InboundSms,
): Promise<Conversation> {
  const conversation = await appendTo(deps, into);
  const message = inboundMessage(conversation, conversation.lastSeq, sms);
  try {
    await deps.store.createMessage(message);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
  return conversation;
}

/** Takes a new sequence number and records activity; a waiting conversation comes back. */
async function appendTo(deps: CoreDeps, first: Stored<Conversation>): Promise<Conversation> {
  let current: Stored<Conversation> | undefined = first;
  return retryOnConflict(async () => {
    current ??= await deps.store.getConversation(first.value.id);
    if (!current) throw new Error(`conversation ${first.value.id} vanished`);
    const at = deps.clock.now().toISOString();
    let next: Conversation = { ...current.value, lastSeq: current.value.lastSeq + 1, lastActivityAt: at };
    if (next.state === 'waiting') {
      const agentId = next.agentId;
      const agentAvailable =
        agentId !== null && (await reserveCapacity(deps, agentId, next.id, { requireAvailable: true }));
      next = transition(next, { type: 'customer-returned', agentAvailable }, { kind: 'customer' }, at);
    }
    const etag = current.etag;
    current = undefined;
    return (await deps.store.replaceConversation(next, etag)).value;
  });
}

/** A customer's message as stored, at its place in the conversation. */
export function inboundMessage(conversation: Conversation, seq: number, sms: InboundSms): Message {
  return {
    id: sms.id,
    conversationId: conversation.id,
    seq,
    direction: 'inbound',
    author: { kind: 'customer' },
    from: sms.from,
    to: sms.to,
    text: sms.text,
    ...(sms.media.length > 0 ? { media: sms.media } : {}),
    segments: messageSegments(sms.text),
    createdAt: sms.receivedAt,
    provider: sms.provider,
    providerMessageId: sms.providerMessageId,
    status: 'received',
    failureReason: null,
    ...(sms.fromValidated === false ? { fromValidated: false } : {}),
  };
}
