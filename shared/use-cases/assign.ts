import type { Agent } from '../domain/agent.js';
import { canTakeWork, freeCapacity, hasSkills } from '../domain/agent.js';
import { type Actor, type Conversation, holdsCapacity, transition } from '../domain/conversation.js';
import { opennessAt } from '../domain/hours.js';
import { routesTo } from '../domain/routing.js';
import type { ConversationCursor } from '../ports.js';
import { releaseCapacity, reserveCapacity } from './agent-capacity.js';
import { agentName, sendAutomated } from './automated.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

export interface AssignmentOutcome {
  assigned: { conversationId: string; agentId: string }[];
}

/** What became of the conversation once the agent's capacity was reserved for it. */
type Taking =
  | { kind: 'assigned'; conversation: Conversation }
  /** Theirs already (a repeat of this assignment): nothing to announce. */
  | { kind: 'already-theirs' }
  /** Taken by someone else, set aside, closed or gone meanwhile. */
  | { kind: 'lost' };

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
  const taking = await retryOnConflict(async (): Promise<Taking> => {
    const stored = await deps.store.getConversation(conversationId);
    if (stored?.value.state !== 'open')
      // Theirs only while it holds their capacity: set aside or closed since, it holds none.
      return stored && holdsCapacity(stored.value.state) && stored.value.agentId === agentId
        ? { kind: 'already-theirs' }
        : { kind: 'lost' };
    const next = transition(stored.value, { type: 'assign', agentId }, actor, deps.clock.now().toISOString());
    return {
      kind: 'assigned',
      conversation: (await deps.store.replaceConversation(next, stored.etag)).value,
    };
  });
  if (taking.kind === 'lost') {
    await releaseCapacity(deps, agentId, conversationId);
    return false;
  }
  deps.logger.info('conversation.assigned', { conversationId, agentId });
  if (taking.kind === 'assigned') {
    const { conversation } = taking;
    countAssignment(deps, conversation);
    // Once per assignment: the id carries the transition that made it.
    await sendAutomated(
      deps,
      conversation,
      'agentAssigned',
      `${conversationId}:assigned:${conversation.history.length}`,
      async () => ({
        agentName: await agentName(deps, agentId),
      }),
    );
  }
  return true;
}

/**
 * Every assignment counts for its queue; the first one of a conversation a customer opened also
 * measures how long they waited from the webhook's acceptance of their first message.
 */
function countAssignment(deps: CoreDeps, conversation: Conversation) {
  deps.metrics.add('sms.assignments', { queue: conversation.queueId });
  const first = conversation.history.filter((step) => step.to === 'active').length === 1;
  if (first && conversation.acceptedAt) {
    const waited = deps.clock.now().getTime() - Date.parse(conversation.acceptedAt);
    deps.metrics.record('sms.accept_to_assigned', waited, { queue: conversation.queueId });
  }
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
export function byLoad(a: Agent, b: Agent): number {
  const load = a.assignments.length / a.capacity - b.assignments.length / b.capacity;
  if (load !== 0) return load;
  const room = freeCapacity(b) - freeCapacity(a);
  return room !== 0 ? room : a.id.localeCompare(b.id);
}

/**
 * The assigner of one queue (one at a time per queue: the assignment queue's session is the queue
 * id). Offers the queue's open conversations, oldest first, to available agents with room.
 */
export async function assignQueue(deps: CoreDeps, queueId: string): Promise<AssignmentOutcome> {
  const outcome: AssignmentOutcome = { assigned: [] };
  // Agents first: only this queue's available ones (its roster, whatever the agents of other
  // queues), and when none can take work (the usual case under a burst) the waiting line is never read.
  let agents = (await deps.store.listAgents({ queueId, presence: 'available' }))
    .map((s) => s.value)
    .filter((a) => canTakeWork(a, queueId));
  const room = agents.reduce((sum, agent) => sum + freeCapacity(agent), 0);
  // Places are told on channels that ask for it; only those routing into this queue count, so a
  // queue none of them feeds is not read for nothing on every run (docs/decisions.md: transfers).
  const announcing = deps.directory
    .channels()
    .some((c) => c.automatedMessages.queued.enabled && routesTo(c, queueId));
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
  // Read past the head of the line a page at a time: a conversation needing skills nobody online
  // has, or waiting for its channel to open, must not hold up the ones behind it, and no read is
  // unbounded however long the backlog.
  const pageSize = Math.max(room * 10, POSITIONS_TOLD);
  const waiting: Conversation[] = [];
  let offered = 0;
  for (let after: ConversationCursor | undefined; ; ) {
    const page = (
      await deps.store.findConversations({
        queueId,
        states: ['open'],
        limit: pageSize,
        ...(after ? { after } : {}),
      })
    ).map((s) => s.value);
    waiting.push(...page);
    for (const conversation of pushing ? page.filter((c) => !closed.has(c.channelId)) : []) {
      if (agents.length === 0) break;
      offered += 1;
      const able = agents.filter((agent) => hasSkills(agent, conversation.requiredSkills)).sort(byLoad);
      for (const agent of await withAffinity(deps, conversation, able)) {
        const given = await assignConversation(deps, conversation.id, agent.id, { kind: 'system' });
        if (given) outcome.assigned.push({ conversationId: conversation.id, agentId: agent.id });
        // Only this agent changed (or was changed by someone else, which is why it was refused):
        // re-read just them, so a run costs reads per attempt, not per agent per conversation.
        const fresh = (await deps.store.getAgent(agent.id))?.value;
        agents = agents.flatMap((a) =>
          a.id !== agent.id ? [a] : fresh && canTakeWork(fresh, queueId) ? [fresh] : [],
        );
        if (given) break;
      }
    }
    const last = page.at(-1);
    // As far as before the paging: pageSize conversations offered (the ones of closed channels not
    // counting). The places worth telling need no more: the first page, full whenever there is a
    // next one, holds pageSize >= POSITIONS_TOLD of them.
    const needMore = pushing && agents.length > 0 && offered < pageSize;
    if (!last || page.length < pageSize || !needMore) break;
    after = { createdAt: last.createdAt, id: last.id };
  }
  // Whenever the line was read, including for a run with room in a queue no telling channel
  // routes into: a customer transferred there is told their place now (docs/decisions.md).
  const taken = new Set(outcome.assigned.map((a) => a.conversationId));
  await tellPositions(
    deps,
    waiting.filter((c) => !taken.has(c.id)),
    closed,
  );
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
