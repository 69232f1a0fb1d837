import { canTakeWork } from '../domain/agent.js';
import { type Actor, type Conversation, holdsCapacity, transition } from '../domain/conversation.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { releaseCapacity, reserveCapacity } from './agent-capacity.js';
import { assignConversation } from './assign.js';
import { requestAssignment } from './assignment-request.js';
import { sendAutomated } from './automated.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

async function requireHeldBy(deps: CoreDeps, conversationId: string, agentId: string) {
  const stored = await deps.store.getConversation(conversationId);
  if (!stored) throw new NotFoundError(`conversation ${conversationId} does not exist`);
  const { state } = stored.value;
  if (stored.value.agentId !== agentId || (state !== 'active' && state !== 'waiting')) {
    throw new ForbiddenError(`conversation ${conversationId} is not assigned to agent ${agentId}`);
  }
  return stored;
}

/** Capacity given back: the agent's queues may have work for them. */
async function freed(deps: CoreDeps, agentId: string, conversationId: string) {
  if (!(await releaseCapacity(deps, agentId, conversationId))) return;
  const agent = await deps.store.getAgent(agentId);
  for (const queueId of agent?.value.queueIds ?? []) await requestAssignment(deps, queueId, 'capacity freed');
}

/**
 * The agent sets a conversation aside (`waiting`): it frees their capacity, and the customer's next
 * message brings it back to them if they can take it, or to the queue.
 */
export async function setAside(deps: CoreDeps, input: { conversationId: string; agentId: string }) {
  const actor: Actor = { kind: 'agent', agentId: input.agentId };
  const conversation = await retryOnConflict(async () => {
    const stored = await requireHeldBy(deps, input.conversationId, input.agentId);
    const next = transition(stored.value, { type: 'set-aside' }, actor, deps.clock.now().toISOString());
    return (await deps.store.replaceConversation(next, stored.etag)).value;
  });
  await freed(deps, input.agentId, input.conversationId);
  return conversation;
}

/** Hands a conversation to another queue: it is open there, and its agent's capacity is free again. */
export async function transferToQueue(
  deps: CoreDeps,
  input: { conversationId: string; agentId: string; queueId: string },
) {
  deps.directory.queue(input.queueId);
  const actor: Actor = { kind: 'agent', agentId: input.agentId };
  const conversation = await retryOnConflict(async () => {
    const stored = await requireHeldBy(deps, input.conversationId, input.agentId);
    const event = { type: 'transfer-to-queue' as const, queueId: input.queueId };
    const next = transition(stored.value, event, actor, deps.clock.now().toISOString());
    return (await deps.store.replaceConversation(next, stored.etag)).value;
  });
  await freed(deps, input.agentId, input.conversationId);
  await sendAutomated(
    deps,
    conversation,
    'transfer',
    `${conversation.id}:transfer:${conversation.history.length}`,
    {
      queueName: deps.directory.queue(input.queueId).name,
    },
  );
  await requestAssignment(deps, input.queueId, 'transfer');
  return conversation;
}

/**
 * Hands a conversation straight to another agent, who must be available with room: their capacity
 * is taken first, so a transfer can never overload them.
 */
export async function transferToAgent(
  deps: CoreDeps,
  input: { conversationId: string; agentId: string; toAgentId: string },
) {
  const target = await deps.store.getAgent(input.toAgentId);
  if (!target) throw new NotFoundError(`agent ${input.toAgentId} does not exist`);
  if (input.toAgentId === input.agentId) throw new ConflictError('the conversation is already yours');
  await requireHeldBy(deps, input.conversationId, input.agentId);
  if (!(await reserveCapacity(deps, input.toAgentId, input.conversationId, { requireAvailable: true }))) {
    throw new ConflictError(`agent ${input.toAgentId} is not available or has no free capacity`);
  }
  const actor: Actor = { kind: 'agent', agentId: input.agentId };
  let moved: { before: Conversation; after: Conversation };
  try {
    moved = await retryOnConflict(async () => {
      const stored = await requireHeldBy(deps, input.conversationId, input.agentId);
      const event = { type: 'transfer-to-agent' as const, agentId: input.toAgentId };
      const next = transition(stored.value, event, actor, deps.clock.now().toISOString());
      return { before: stored.value, after: (await deps.store.replaceConversation(next, stored.etag)).value };
    });
  } catch (error) {
    // The conversation did not move: the target's capacity goes back.
    await releaseCapacity(deps, input.toAgentId, input.conversationId);
    throw error;
  }
  const { before, after } = moved;
  if (holdsCapacity(before.state)) await freed(deps, input.agentId, input.conversationId);
  await sendAutomated(deps, after, 'transfer', `${after.id}:transfer:${after.history.length}`, {
    agentName: target.value.name,
    queueName: deps.directory.findQueue(after.queueId)?.name,
  });
  return after;
}

/** Pick mode: an agent takes an open conversation from one of their queues. */
export async function pickFromQueue(deps: CoreDeps, input: { conversationId: string; agentId: string }) {
  const agent = await deps.store.getAgent(input.agentId);
  if (!agent) throw new NotFoundError(`agent ${input.agentId} does not exist`);
  const stored = await deps.store.getConversation(input.conversationId);
  if (!stored) throw new NotFoundError(`conversation ${input.conversationId} does not exist`);
  if (!agent.value.queueIds.includes(stored.value.queueId)) {
    throw new ForbiddenError(`agent ${input.agentId} is not a member of queue ${stored.value.queueId}`);
  }
  if (stored.value.state !== 'open')
    throw new ConflictError(
      `conversation ${input.conversationId} is ${stored.value.state}, not waiting in a queue`,
    );
  if (!canTakeWork(agent.value, stored.value.queueId, stored.value.requiredSkills)) {
    throw new ConflictError(`agent ${input.agentId} is not available or has no free capacity`);
  }
  const taken = await assignConversation(deps, input.conversationId, input.agentId, {
    kind: 'agent',
    agentId: input.agentId,
  });
  if (!taken) throw new ConflictError(`conversation ${input.conversationId} was taken by someone else`);
  return (await deps.store.getConversation(input.conversationId))?.value;
}
