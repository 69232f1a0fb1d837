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
