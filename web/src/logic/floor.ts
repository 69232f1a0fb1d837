import type { AgentView, ConversationState, ConversationSummary, QueueView } from '../types.js';
import { secondsSince } from './format.js';

export interface FloorConversation {
  summary: ConversationSummary;
  /** Time in line before an agent first replied (or so far, while nobody has). */
  waitSeconds: number | null;
  /** Time since an agent first replied, while the conversation goes on. */
  handleSeconds: number | null;
}

/**
 * Wait: from the time it started waiting (or was created) to the first agent reply, or to now
 * while unanswered. Handle: from when an agent was last given it (else the first reply) to now,
 * while someone has it. What a floor display shows; the day's figures come from the server.
 */
export function floorConversation(summary: ConversationSummary, now: number): FloorConversation {
  const start = summary.waitingSince ?? summary.createdAt;
  const answered = summary.state === 'open' ? undefined : summary.firstAgentReplyAt;
  const waitEnd = answered ? Date.parse(answered) : now;
  const waitSeconds = secondsSince(start, waitEnd);
  const handleStart =
    summary.state === 'open' ? undefined : (summary.assignedAt ?? summary.firstAgentReplyAt);
  const handleSeconds = handleStart ? secondsSince(handleStart, now) : null;
  return { summary, waitSeconds, handleSeconds };
}

const stateOrder: Record<ConversationState, number> = {
  open: 0,
  active: 1,
  waiting: 2,
  'wrap-up': 3,
  closed: 4,
};

/** Ongoing conversations: those waiting in a queue first, longest wait first, then by state. */
export function floorConversations(summaries: ConversationSummary[], now: number): FloorConversation[] {
  return summaries
    .filter((summary) => summary.state !== 'closed')
    .map((summary) => floorConversation(summary, now))
    .sort(
      (a, b) =>
        stateOrder[a.summary.state] - stateOrder[b.summary.state] ||
        (b.waitSeconds ?? 0) - (a.waitSeconds ?? 0),
    );
}

export interface FloorAgent {
  agent: AgentView;
  conversations: ConversationSummary[];
  /** Available with room: a transfer or a push assignment can reach them. */
  canTake: boolean;
}

export function floorAgents(agents: AgentView[], summaries: ConversationSummary[]): FloorAgent[] {
  return agents
    .map((agent) => ({
      agent,
      conversations: summaries.filter(
        (summary) => summary.agentId === agent.id && summary.state !== 'closed',
      ),
      canTake: canTake(agent),
    }))
    .sort((a, b) => a.agent.name.localeCompare(b.agent.name));
}

export const canTake = (agent: AgentView): boolean =>
  agent.presence === 'available' && agent.load < agent.capacity;

export interface FloorTotals {
  waiting: number;
  longestWaitSeconds: number;
  agentsAvailable: number;
  freeSeats: number;
}

/** The headline numbers of the floor. */
export function floorTotals(queues: QueueView[], agents: AgentView[]): FloorTotals {
  return {
    waiting: queues.reduce((sum, queue) => sum + queue.waiting, 0),
    longestWaitSeconds: queues.reduce((max, queue) => Math.max(max, queue.longestWaitSeconds), 0),
    agentsAvailable: agents.filter((agent) => agent.presence === 'available').length,
    freeSeats: agents
      .filter((agent) => agent.presence === 'available')
      .reduce((sum, agent) => sum + Math.max(0, agent.capacity - agent.load), 0),
  };
}

/** Transfer targets: other agents, those who can take it first; say why the others cannot. */
export function transferTargets(
  agents: AgentView[],
  except: string | null | undefined,
): { agent: AgentView; canTake: boolean; why: string }[] {
  return agents
    .filter((agent) => agent.id !== except)
    .map((agent) => ({
      agent,
      canTake: canTake(agent),
      why:
        agent.presence !== 'available'
          ? agent.presence
          : agent.load >= agent.capacity
            ? `full (${agent.load}/${agent.capacity})`
            : `${agent.load}/${agent.capacity}`,
    }))
    .sort((a, b) => Number(b.canTake) - Number(a.canTake) || a.agent.name.localeCompare(b.agent.name));
}

/**
 * Why a supervisor cannot reassign a conversation in this state (undefined: they can). Anything
 * waiting in a queue, active or set aside moves; wrap-up is the agent's own last step.
 */
export function reassignBlocked(state: ConversationState): string | undefined {
  return ['open', 'active', 'waiting'].includes(state)
    ? undefined
    : 'Only a conversation in a queue, active or set aside can be reassigned.';
}
