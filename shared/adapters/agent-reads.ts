import type { Agent } from '../domain/agent.js';
import type { AgentQuery } from '../ports.js';

/**
 * Whether an agent matches a read of agents (listAgents), written once for every store. The Cosmos
 * DB store also uses it to re-check a roster entry against its agent (the agent being the truth).
 */
export function matchesAgents(agent: Agent, query: AgentQuery): boolean {
  return (
    (query.queueId === undefined || agent.queueIds.includes(query.queueId)) &&
    (query.presence === undefined || agent.presence === query.presence)
  );
}

/** Agents in id order, the order every agent read returns. */
export function byAgentId(a: { value: Agent }, b: { value: Agent }): number {
  return a.value.id < b.value.id ? -1 : a.value.id > b.value.id ? 1 : 0;
}
