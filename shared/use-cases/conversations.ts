import type { Presence } from '../domain/agent.js';
import {
  type Actor,
  actorName,
  type Conversation,
  holdsCapacity,
  transition,
} from '../domain/conversation.js';
import type { Message } from '../domain/message.js';
import { validateOutboundMedia } from '../domain/outbound-media.js';
import { wrapUpFor } from '../domain/wrap-up.js';
import { ConsentError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../errors.js';
import { releaseCapacity, releaseStaleCapacity } from './agent-capacity.js';
import { requestAssignment } from './assignment-request.js';
import { agentName, sendAutomated } from './automated.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';
import { queueOutbound } from './outbound.js';
import { requireConversation } from './stored-conversation.js';
import { recordSurveySent, recoverSurveySent, surveyMessageId } from './survey-answer.js';

async function requireAgent(deps: CoreDeps, agentId: string) {
  const stored = await deps.store.getAgent(agentId);
  if (!stored) throw new NotFoundError(`agent ${agentId} does not exist`);
  return stored;
}

/** An open conversation has no agent (every way into the queue clears it): only the agent check tells. */
function requireOwner(conversation: Conversation, agentId: string) {
  if (conversation.agentId !== agentId || conversation.state === 'closed') {
    throw new ForbiddenError(`conversation ${conversation.id} is not assigned to agent ${agentId}`);
  }
}

/** The agent's own work: everything they hold or set aside, oldest first. */
export async function listAgentConversations(deps: CoreDeps, agentId: string): Promise<Conversation[]> {
  await requireAgent(deps, agentId);
  const found = await deps.store.findConversations({ agentId, states: ['active', 'waiting', 'wrap-up'] });
  return found.map((s) => s.value);
}

/** A queue's waiting line: open conversations, oldest first (the order assignment uses). */
export async function listQueueConversations(deps: CoreDeps, queueId: string): Promise<Conversation[]> {
  deps.directory.queue(queueId);
  const found = await deps.store.findConversations({ queueId, states: ['open'] });
  return found.map((s) => s.value);
}

export async function setPresence(deps: CoreDeps, agentId: string, presence: Presence) {
  await releaseStaleCapacity(deps, agentId);
  const agent = await retryOnConflict(async () => {
    const stored = await requireAgent(deps, agentId);
    if (stored.value.presence === presence) return stored.value;
    return (await deps.store.replaceAgent({ ...stored.value, presence }, stored.etag)).value;
  });
  deps.logger.info('agent.presence', { agentId, presence });
  if (presence === 'available') {
    for (const queueId of agent.queueIds) await requestAssignment(deps, queueId, 'agent available');
  }
  return agent;
}

export async function replyToCustomer(
  deps: CoreDeps,
  input: { conversationId: string; agentId: string; text: string; media?: unknown },
): Promise<Message> {
  const { value: conversation } = await requireConversation(deps, input.conversationId);
  // Bad attachments (or a channel that cannot send them) are refused before anything is written.
  const media =
    input.media === undefined
      ? []
      : validateOutboundMedia(input.media, deps.directory.channel(conversation.channelId));
  // A closed conversation takes no reply from anyone; say why rather than "not assigned", and say
  // first that the customer opted out, since that also rules out starting a new conversation.
  if (conversation.state === 'closed') {
    // What became of a closed conversation (and whether its customer opted out) is for the agent
    // who had it and the members of its queue: anyone else is told no more than "not theirs".
    if (conversation.agentId !== input.agentId) {
      const agent = (await deps.store.getAgent(input.agentId))?.value;
      if (!agent?.queueIds.includes(conversation.queueId)) requireOwner(conversation, input.agentId);
    }
    const customer = await deps.store.getCustomer(conversation.channelId, conversation.customer);
    if (customer?.value.optedOut) {
      throw new ConsentError('the customer opted out of this channel; nothing can be sent to them');
    }
    throw new InvalidTransitionError(
      `conversation ${conversation.id} is closed; it no longer takes replies (start a new conversation with the customer instead)`,
    );
  }
  requireOwner(conversation, input.agentId);
  if (conversation.state === 'wrap-up') {
    throw new InvalidTransitionError(
      `conversation ${conversation.id} is in wrap-up; it no longer takes replies`,
    );
  }
  const customer = await deps.store.getCustomer(conversation.channelId, conversation.customer);
  if (customer?.value.optedOut) {
    throw new ConsentError('the customer opted out of this channel; nothing can be sent to them');
  }
  return queueOutbound(
    deps,
    conversation.id,
    input.text,
    { kind: 'agent', agentId: input.agentId },
    { media },
  );
}

/**
 * The customer hears the conversation is over (with their case number), then the survey link when
 * an agent served them, when the channel has those messages on. Once per conversation, whether it ended in wrap-up or closed.
 */
async function sayGoodbye(deps: CoreDeps, conversation: Conversation) {
  const values = async () => ({ agentName: await agentName(deps, conversation.agentId) });
  await sendAutomated(deps, conversation, 'ended', `${conversation.id}:ended`, values);
  // Nobody served a conversation that never left the queue: there is nothing to rate.
  if (!conversation.history.some((step) => step.to === 'active')) return;
  const sentAt = deps.clock.now().toISOString();
  if (await sendAutomated(deps, conversation, 'survey', surveyMessageId(conversation.id), values)) {
    await recordSurveySent(deps, conversation.id, sentAt);
    return;
  }
  // Sent by an earlier goodbye that stopped before recording it (an end, then the close).
  const channel = deps.directory.findChannel(conversation.channelId);
  if (!channel?.automatedMessages.survey.enabled || conversation.survey) return;
  // Conversations are never deleted: the one just written is there.
  await recoverSurveySent(deps, channel, (await requireConversation(deps, conversation.id)).value);
}

/**
 * The agent ends the conversation: it goes to wrap-up, still counting against their capacity. The
 * wrap-up code (from the queue's list, required when the queue says so) and note are checked
 * before anything is written, and recorded in the same write as the end.
 */
export async function endConversation(
  deps: CoreDeps,
  input: { conversationId: string; agentId: string; wrapUpCode?: string; note?: string },
) {
  const ended = await retryOnConflict(async () => {
    const stored = await requireConversation(deps, input.conversationId);
    requireOwner(stored.value, input.agentId);
    const actor: Actor = { kind: 'agent', agentId: input.agentId };
    const at = deps.clock.now().toISOString();
    const next = transition(stored.value, { type: 'end' }, actor, at);
    const queue = deps.directory.findQueue(stored.value.queueId) ?? { id: stored.value.queueId };
    const wrapUp = wrapUpFor(queue, { code: input.wrapUpCode, note: input.note }, at, actorName(actor));
    return (await deps.store.replaceConversation(wrapUp ? { ...next, wrapUp } : next, stored.etag)).value;
  });
  await sayGoodbye(deps, ended);
  return ended;
}

/**
 * Closes a conversation (agent, auto-close or opt-out) and frees the agent's capacity, then asks
 * the agent's queues to assign again since a place opened up.
 */
export async function closeConversation(
  deps: CoreDeps,
  conversationId: string,
  actor: Actor,
  reason: string,
  stillApplies: (conversation: Conversation) => boolean = () => true,
  options: { goodbye: boolean } = { goodbye: true },
): Promise<Conversation | undefined> {
  const closed = await retryOnConflict(async () => {
    const stored = await requireConversation(deps, conversationId);
    if (stored.value.state === 'closed' || !stillApplies(stored.value)) return undefined;
    if (actor.kind === 'agent') requireOwner(stored.value, actor.agentId);
    const next = transition(stored.value, { type: 'close', reason }, actor, deps.clock.now().toISOString());
    return { before: stored.value, after: (await deps.store.replaceConversation(next, stored.etag)).value };
  });
  if (!closed) return undefined;
  const { before, after } = closed;
  if (before.agentId) {
    const freed = holdsCapacity(before.state) && (await releaseCapacity(deps, before.agentId, after.id));
    await retryOnConflict(async () => {
      const customer = await deps.store.getCustomer(after.channelId, after.customer);
      if (!customer || customer.value.lastAgentId === before.agentId) return;
      await deps.store.putCustomer({ ...customer.value, lastAgentId: before.agentId }, customer.etag);
    });
    if (freed) {
      const agent = await deps.store.getAgent(before.agentId);
      for (const queueId of agent?.value.queueIds ?? [])
        await requestAssignment(deps, queueId, 'capacity freed');
    }
  }
  if (options.goodbye) await sayGoodbye(deps, after);
  deps.logger.info('conversation.closed', { conversationId, by: actor.kind, reason });
  return after;
}

export async function closeByAgent(deps: CoreDeps, input: { conversationId: string; agentId: string }) {
  const stored = await requireConversation(deps, input.conversationId);
  requireOwner(stored.value, input.agentId);
  const closed = await closeConversation(
    deps,
    input.conversationId,
    { kind: 'agent', agentId: input.agentId },
    'closed by agent',
  );
  if (!closed) throw new InvalidTransitionError(`conversation ${input.conversationId} is already closed`);
  return closed;
}
