import { DateTime } from 'luxon';
import { type Conversation, caseNumberOf } from '../domain/conversation.js';
import { newCustomerState } from '../domain/customer.js';
import { opennessAt } from '../domain/hours.js';
import { type Message, validateMessageText } from '../domain/message.js';
import { validateOutboundMedia } from '../domain/outbound-media.js';
import { parsePhoneNumber } from '../domain/phone.js';
import { allowedSendTime, recipientTimeZone } from '../domain/quiet-hours.js';
import { ConcurrencyError, ConflictError, ConsentError, ForbiddenError, NotFoundError } from '../errors.js';
import { releaseCapacity, reserveCapacity } from './agent-capacity.js';
import type { CoreDeps } from './deps.js';
import { optedOutOf } from './erased-opt-outs.js';
import { queueOutbound } from './outbound.js';

export interface StartRequest {
  agentId: string;
  channelId: string;
  to: string;
  text: string;
  /** Attachments (MMS, Twilio channels only), checked like a reply's. */
  media?: unknown;
  /** The queue the conversation belongs to; the channel's default queue when absent. */
  queueId?: string | undefined;
}

/** The rules an admin sets for agent-initiated conversations on the channel, checked in order. */
async function checkRules(deps: CoreDeps, request: StartRequest) {
  const channel = deps.directory.channel(request.channelId);
  if (channel.direction === 'outbound-only') {
    throw new ConflictError(
      `channel ${channel.id} is outbound-only; it sends notifications and holds no conversations`,
    );
  }
  if (!channel.agentInitiated.enabled) {
    throw new ForbiddenError(
      `channel ${channel.id} does not let agents start conversations (an admin setting)`,
    );
  }
  const to = parsePhoneNumber(request.to, 'to');
  validateMessageText(request.text);
  const media = validateOutboundMedia(request.media, channel);
  const from = channel.numbers[0]?.number;
  if (!from) throw new ConflictError(`channel ${channel.id} has no number to send from`);
  const now = deps.clock.now();
  if (channel.agentInitiated.onlyWhenOpen && channel.hours && !opennessAt(channel.hours, now).open) {
    throw new ConflictError(
      `channel ${channel.id} is closed now; agents start conversations on it only while it is open`,
    );
  }
  const window = channel.notificationWindow;
  if (channel.agentInitiated.respectQuietHours && window && allowedSendTime(to, window, now).held) {
    const zone = recipientTimeZone(to, window);
    const local = DateTime.fromJSDate(now, { zone }).toFormat('HH:mm');
    throw new ConflictError(
      `it is ${local} for the customer (${zone}); channel ${channel.id} sends nothing outside ${window.from}-${window.to} in their time zone`,
    );
  }
  const queueId = request.queueId ?? channel.defaultQueueId;
  deps.directory.queue(queueId);
  const agent = await deps.store.getAgent(request.agentId);
  if (!agent) throw new NotFoundError(`agent ${request.agentId} does not exist`);
  if (!agent.value.queueIds.includes(queueId)) {
    throw new ForbiddenError(`agent ${request.agentId} is not a member of queue ${queueId}`);
  }
  return { channel, from, to, queueId, now, media };
}

/**
 * An agent starts an SMS conversation with a customer: the rules first, then the agent's capacity,
 * then the customer's record points at the new conversation (under its ETag, so it stays the only
 * unclosed one), then the conversation, active with the agent, and the first message on its way.
 */
export async function startConversation(
  deps: CoreDeps,
  request: StartRequest,
): Promise<{ conversation: Conversation; message: Message }> {
  const { channel, from, to, queueId, now, media } = await checkRules(deps, request);
  const stored = await deps.store.getCustomer(channel.id, to);
  if (await optedOutOf(deps, channel.id, to, stored))
    throw new ConsentError('the customer opted out of this channel; nothing can be sent to them');

  const id = deps.ids.next();
  if (!(await reserveCapacity(deps, request.agentId, id, { requireAvailable: false }))) {
    throw new ConflictError(`agent ${request.agentId} has no free capacity`);
  }
  try {
    const unclosedId = stored?.value.openConversationId;
    const unclosed = unclosedId ? (await deps.store.getConversation(unclosedId))?.value : undefined;
    if (unclosed && unclosed.state !== 'closed') {
      throw new ConflictError(
        `the customer has a conversation under way on this channel (${unclosed.id}, ${unclosed.state}${unclosed.agentId ? ` with agent ${unclosed.agentId}` : ''})`,
      );
    }
    const customer = stored?.value ?? newCustomerState(channel.id, to);
    await deps.store
      .putCustomer({ ...customer, openConversationId: id }, stored?.etag ?? null)
      .catch((error) => {
        throw error instanceof ConcurrencyError
          ? new ConflictError('the customer wrote to this channel meanwhile; look at their conversation', {
              cause: error,
            })
          : error;
      });
    const at = now.toISOString();
    const contact = (await deps.store.getContact(to))?.value;
    const conversation: Conversation = {
      id,
      channelId: channel.id,
      channelNumber: from,
      customer: to,
      queueId,
      caseNumber: caseNumberOf(id),
      ...(contact ? { customerName: contact.name } : {}),
      language: contact?.language ?? channel.language,
      state: 'active',
      agentId: request.agentId,
      createdAt: at,
      lastActivityAt: at,
      lastSeq: 0,
      closedAt: null,
      history: [{ from: null, to: 'active', at, by: `agent:${request.agentId}`, reason: 'started by agent' }],
    };
    await deps.store.createConversation(conversation);
    const message = await queueOutbound(
      deps,
      id,
      request.text,
      { kind: 'agent', agentId: request.agentId },
      { media },
    );
    deps.logger.info('conversation.started', {
      conversationId: id,
      agentId: request.agentId,
      channelId: channel.id,
    });
    return { conversation: (await deps.store.getConversation(id))?.value ?? conversation, message };
  } catch (error) {
    await releaseCapacity(deps, request.agentId, id);
    throw error;
  }
}
