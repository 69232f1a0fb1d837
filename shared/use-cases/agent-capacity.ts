import { holdsCapacity } from '../domain/conversation.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/**
 * Reserves one unit of an agent's capacity for a conversation. The agent record's ETag makes this
 * the one place where capacity is decided, so concurrent assigners (several queues, an agent
 * picking by hand) can never push an agent past their capacity.
 */
export async function reserveCapacity(
  deps: Pick<CoreDeps, 'store' | 'clock'>,
  agentId: string,
  conversationId: string,
  options: { requireAvailable: boolean },
): Promise<boolean> {
  return retryOnConflict(async () => {
    const stored = await deps.store.getAgent(agentId);
    if (!stored) return false;
    const agent = stored.value;
    if (agent.assignments.some((a) => a.conversationId === conversationId)) return true;
    if (options.requireAvailable && agent.presence !== 'available') return false;
    if (agent.assignments.length >= agent.capacity) return false;
    const since = deps.clock.now().toISOString();
    await deps.store.replaceAgent(
      { ...agent, assignments: [...agent.assignments, { conversationId, since }] },
      stored.etag,
    );
    return true;
  });
}

/** Gives back the capacity a conversation held; a no-op when it held none. */
export async function releaseCapacity(
  deps: Pick<CoreDeps, 'store'>,
  agentId: string,
  conversationId: string,
) {
  return retryOnConflict(async () => {
    const stored = await deps.store.getAgent(agentId);
    if (!stored) return false;
    const agent = stored.value;
    if (!agent.assignments.some((a) => a.conversationId === conversationId)) return false;
    const assignments = agent.assignments.filter((a) => a.conversationId !== conversationId);
    await deps.store.replaceAgent({ ...agent, assignments }, stored.etag);
    return true;
  });
}

/**
 * Capacity is reserved before the conversation it is for is created or moved (so an agent can never
 * be overloaded), which leaves a window: a process dying inside it leaves a reservation for a
 * conversation that never came, or that no longer holds it (closed, set aside, given to someone
 * else) because the release after it never ran. Such a
 * reservation, once older than any step in progress could be, is given back. Run when an agent's
 * presence changes: rare, and the moment their capacity starts to matter again. One point read per
 * reservation held.
 */
export async function releaseStaleCapacity(
  deps: Pick<CoreDeps, 'store' | 'clock' | 'logger'>,
  agentId: string,
) {
  const stored = await deps.store.getAgent(agentId);
  if (!stored) return [];
  const cutoff = deps.clock.now().getTime() - STALE_RESERVATION_MS;
  const stale: string[] = [];
  for (const { conversationId, since } of stored.value.assignments) {
    if (Date.parse(since) > cutoff) continue;
    const conversation = (await deps.store.getConversation(conversationId))?.value;
    if (!conversation || !holdsCapacity(conversation.state) || conversation.agentId !== agentId)
      stale.push(conversationId);
  }
  for (const conversationId of stale) {
    if (await releaseCapacity(deps, agentId, conversationId))
      deps.logger.warn('agent.stale-capacity-released', { agentId, conversationId });
  }
  return stale;
}

/** Longer than any reserve-then-write step takes, retries included. */
const STALE_RESERVATION_MS = 5 * 60_000;
