import type { Agent } from '../domain/agent.js';
import { canTakeWork, freeCapacity, hasSkills } from '../domain/agent.js';
import { type Actor, type Conversation, transition } from '../domain/conversation.js';
import { opennessAt } from '../domain/hours.js';
import { releaseCapacity, reserveCapacity } from './agent-capacity.js';
import { agentName, sendAutomated } from './automated.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

export interface AssignmentOutcome {
  assigned: { conversationId: string; agentId: string }[];
}

/**
 * Gives one conversation to one agent: capacity first (the agent's ETag decides), then the
 * conversation (its ETag decides). If the conversation was taken or closed meanwhile, the capacity
 * goes back, so neither side is left holding a half-made assignment.
 */
export async function assignConversation(
  deps: CoreDeps,
  conversationId: string,
  agentId: string,
  actor: Actor,
): Promise<boolean> {
  const reserved = await reserveCapacity(deps, agentId, conversationId, {
    requireAvailable: actor.kind === 'system',
  });
  if (!reserved) return false;
  const taken = await retryOnConflict(async () => {
    const stored = await deps.store.getConversation(conversationId);
    if (stored?.value.state !== 'open') return stored?.value.agentId === agentId;
    const next = transition(stored.value, { type: 'assign', agentId }, actor, deps.clock.now().toISOString());
    return (await deps.store.replaceConversation(next, stored.etag)).value;
  });
  if (!taken) {
    await releaseCapacity(deps, agentId, conversationId);
    return false;
  }
  deps.logger.info('conversation.assigned', { conversationId, agentId });
  if (taken !== true) {
    // Once per assignment: the id carries the transition that made it.
    await sendAutomated(
      deps,
      taken,
      'agentAssigned',
      `${conversationId}:assigned:${taken.history.length}`,
      async () => ({
        agentName: await agentName(deps, agentId),
      }),
    );
  }
  return true;
}

/**
 * With affinity on, a returning customer's last agent comes first when they can take the work;
 * the rest follow by load.
 */
async function withAffinity(deps: CoreDeps, conversation: Conversation, agents: Agent[]): Promise<Agent[]> {
  const channel = deps.directory.findChannel(conversation.channelId);
  if (!channel?.affinity || agents.length < 2) return agents;
  const last = (await deps.store.getCustomer(conversation.channelId, conversation.customer))?.value
    .lastAgentId;
  const preferred = agents.find((agent) => agent.id === last);
  return preferred ? [preferred, ...agents.filter((agent) => agent !== preferred)] : agents;
}

/** Least loaded first; ties go to the agent with the most free capacity, then by id for stability. */
function byLoad(a: Agent, b: Agent): number {
  const load = a.assignments.length / a.capacity - b.assignments.length / b.capacity;
  return load !== 0 ? load : a.id.localeCompare(b.id);
}

/**
 * The assigner of one queue (one at a time per queue: the assignment queue's session is the queue
 * id). Offers the queue's open conversations, oldest first, to available agents with room.
 */
export async function assignQueue(deps: CoreDeps, queueId: string): Promise<AssignmentOutcome> {
  const outcome: AssignmentOutcome = { assigned: [] };
  // Agents first: they are few, and when nobody can take work (the usual case under a burst) the
  // queue's waiting line is never read.
  let agents = (await deps.store.listAgents()).map((s) => s.value).filter((a) => canTakeWork(a, queueId));
  const room = agents.reduce((sum, agent) => sum + freeCapacity(agent), 0);
  const announcing = deps.directory.channels().some((c) => c.automatedMessages.queued.enabled);
  // A pick-mode queue is never pushed: its agents take conversations from the line themselves.
  const pushing = deps.directory.findQueue(queueId)?.distribution !== 'pick';
  if ((room === 0 || !pushing) && !announcing) return outcome;

  // Conversations of a channel that is closed now wait for its opening (the opening timer).
  const now = deps.clock.now();
  const closed = new Set(
    deps.directory
      .channels()
      .filter((channel) => channel.hours && !opennessAt(channel.hours, now).open)
      .map((channel) => channel.id),
  );
  // Read past the head of the line: a conversation needing skills nobody online has must not hold
  // up the ones behind it (bounded, so a huge backlog is read a slice at a time).
  const waiting = await deps.store.findConversations({
    queueId,
    states: ['open'],
    ...(closed.size === 0 ? { limit: Math.max(room * 10, POSITIONS_TOLD) } : {}),
  });
  const open = pushing ? waiting.filter((c) => !closed.has(c.value.channelId)) : [];
  for (const { value: conversation } of open) {
    if (agents.length === 0) break;
    const able = agents.filter((agent) => hasSkills(agent, conversation.requiredSkills)).sort(byLoad);
    for (const agent of await withAffinity(deps, conversation, able)) {
      if (await assignConversation(deps, conversation.id, agent.id, { kind: 'system' })) {
        outcome.assigned.push({ conversationId: conversation.id, agentId: agent.id });
        break;
      }
    }
    // Re-read only the agents still in play: the store, not this loop's copy, holds the truth.
    const refreshed = await Promise.all(agents.map((a) => deps.store.getAgent(a.id)));
    agents = refreshed.flatMap((s) => (s && canTakeWork(s.value, queueId) ? [s.value] : []));
  }
  if (announcing) {
    const taken = new Set(outcome.assigned.map((a) => a.conversationId));
    const still = waiting.map((s) => s.value).filter((c) => !taken.has(c.id));
    await tellPositions(deps, still, closed);
  }
  return outcome;
}

/** Positions beyond this are not told (the waiting line is read this far). */
const POSITIONS_TOLD = 50;

/** Worth telling: the first time, and when the customer moved up by a quarter of the line (at least one place). */
export function worthTelling(previous: number | undefined, position: number): boolean {
  if (previous === undefined) return true;
  return previous - position >= Math.max(1, Math.ceil(previous / 4));
}

/**
 * Tells waiting customers their place in the line, on channels that ask for it, when it changed
 * meaningfully. The conversation remembers the last place told (under its ETag), and the message
 * id carries the place, so a rerun never tells the same place twice.
 */
async function tellPositions(deps: CoreDeps, waiting: Conversation[], closed: Set<string>) {
  for (const [index, conversation] of waiting.slice(0, POSITIONS_TOLD).entries()) {
    const channel = deps.directory.findChannel(conversation.channelId);
    if (!channel?.automatedMessages.queued.enabled || closed.has(channel.id)) continue;
    const position = index + 1;
    const told = await retryOnConflict(async () => {
      const stored = await deps.store.getConversation(conversation.id);
      if (stored?.value.state !== 'open' || !worthTelling(stored.value.toldPosition, position)) return false;
      await deps.store.replaceConversation({ ...stored.value, toldPosition: position }, stored.etag);
      return true;
    });
    if (!told) continue;
    await sendAutomated(deps, conversation, 'queued', `${conversation.id}:position:${position}`, {
      position,
    });
  }
}
