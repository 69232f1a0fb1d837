import { canTakeWork } from '../domain/agent.js';
import {
  type Actor,
  type Conversation,
  type ConversationState,
  holdsCapacity,
  transition,
} from '../domain/conversation.js';
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

/**
 * Who moves a conversation on: the agent who has it (active or set aside), or a supervisor, who may
 * reassign any conversation under way that is not in wrap-up (open in a queue, active, set aside).
 */
type Mover = { kind: 'agent'; agentId: string } | { kind: 'supervisor'; userId: string };

const reassignable: ConversationState[] = ['open', 'active', 'waiting'];

async function requireMovable(deps: CoreDeps, conversationId: string, mover: Mover) {
  if (mover.kind === 'agent') return requireHeldBy(deps, conversationId, mover.agentId);
  const stored = await deps.store.getConversation(conversationId);
  if (!stored) throw new NotFoundError(`conversation ${conversationId} does not exist`);
  if (!reassignable.includes(stored.value.state)) {
    throw new ConflictError(
      `conversation ${conversationId} is ${stored.value.state}; only an open, active or set-aside conversation can be reassigned`,
    );
  }
  return stored;
}

/** The holder's capacity goes back when the conversation held it (active); set aside held none. */
async function freedFrom(deps: CoreDeps, before: Conversation) {
  if (before.agentId && holdsCapacity(before.state)) await freed(deps, before.agentId, before.id);
}

async function moveToQueue(deps: CoreDeps, conversationId: string, mover: Mover, queueId: string) {
  const queue = deps.directory.queue(queueId);
  const actor: Actor = mover;
  const { before, after } = await retryOnConflict(async () => {
    const stored = await requireMovable(deps, conversationId, mover);
    if (stored.value.state === 'open' && stored.value.queueId === queueId) {
      throw new ConflictError(`conversation ${conversationId} is already waiting in queue ${queueId}`);
    }
    const event = { type: 'transfer-to-queue' as const, queueId };
    const next = transition(stored.value, event, actor, deps.clock.now().toISOString());
    return { before: stored.value, after: (await deps.store.replaceConversation(next, stored.etag)).value };
  });
  await freedFrom(deps, before);
  await sendAutomated(deps, after, 'transfer', `${after.id}:transfer:${after.history.length}`, {
    queueName: queue.name,
  });
  await requestAssignment(deps, queueId, 'transfer');
  return after;
}

/**
 * Hands a conversation straight to an agent, who must be available with room: their capacity is
 * taken first, so a transfer can never overload them.
 */
async function moveToAgent(deps: CoreDeps, conversationId: string, mover: Mover, toAgentId: string) {
  const target = await deps.store.getAgent(toAgentId);
  if (!target) throw new NotFoundError(`agent ${toAgentId} does not exist`);
  if (mover.kind === 'agent' && toAgentId === mover.agentId) {
    throw new ConflictError('the conversation is already yours');
  }
  const current = await requireMovable(deps, conversationId, mover);
  if (current.value.state === 'active' && current.value.agentId === toAgentId) {
    throw new ConflictError(`conversation ${conversationId} is already with agent ${toAgentId}`);
  }
  if (!(await reserveCapacity(deps, toAgentId, conversationId, { requireAvailable: true }))) {
    throw new ConflictError(`agent ${toAgentId} is not available or has no free capacity`);
  }
  const actor: Actor = mover;
  let moved: { before: Conversation; after: Conversation } | 'theirs meanwhile';
  try {
    moved = await retryOnConflict(async () => {
      const stored = await requireMovable(deps, conversationId, mover);
      if (stored.value.state === 'active' && stored.value.agentId === toAgentId) return 'theirs meanwhile';
      const event = { type: 'transfer-to-agent' as const, agentId: toAgentId };
      const next = transition(stored.value, event, actor, deps.clock.now().toISOString());
      return { before: stored.value, after: (await deps.store.replaceConversation(next, stored.etag)).value };
    });
  } catch (error) {
    // The conversation did not move: the target's capacity goes back.
    await releaseCapacity(deps, toAgentId, conversationId);
    throw error;
  }
  // Given to them since the check above (the assigner got there first): that assignment holds the
  // capacity just reserved (one hold per conversation), so it stays.
  if (moved === 'theirs meanwhile') {
    throw new ConflictError(`conversation ${conversationId} is already with agent ${toAgentId}`);
  }
  const { before, after } = moved;
  await freedFrom(deps, before);
  await sendAutomated(deps, after, 'transfer', `${after.id}:transfer:${after.history.length}`, {
    agentName: target.value.name,
    queueName: deps.directory.findQueue(after.queueId)?.name,
  });
  return after;
}

/** The agent hands their conversation to another queue: it is open there, and their capacity is free again. */
export function transferToQueue(
  deps: CoreDeps,
  input: { conversationId: string; agentId: string; queueId: string },
) {
  return moveToQueue(deps, input.conversationId, { kind: 'agent', agentId: input.agentId }, input.queueId);
}

/** The agent hands their conversation to another agent, available with room. */
export function transferToAgent(
  deps: CoreDeps,
  input: { conversationId: string; agentId: string; toAgentId: string },
) {
  return moveToAgent(deps, input.conversationId, { kind: 'agent', agentId: input.agentId }, input.toAgentId);
}

/**
 * A supervisor reassigns a conversation under way (waiting in a queue, active, or set aside) to a
 * queue or to an agent available with room; whoever had it gets their capacity back. Wrap-up and
 * closed conversations stay where they are: the agent is finishing them, or they are done.
 */
export function reassign(
  deps: CoreDeps,
  input: { conversationId: string; userId: string } & ({ toQueueId: string } | { toAgentId: string }),
) {
  const mover: Mover = { kind: 'supervisor', userId: input.userId };
  return 'toQueueId' in input
    ? moveToQueue(deps, input.conversationId, mover, input.toQueueId)
    : moveToAgent(deps, input.conversationId, mover, input.toAgentId);
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
