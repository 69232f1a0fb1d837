import { oversees, type Principal } from './access.js';
import type { Conversation } from './conversation.js';

/** What a page is told changed; it re-reads what it shows (a hint, never the data itself). */
export const liveMessageTypes = [
  'conversation.changed',
  'message.added',
  'message.status',
  'agent.changed',
  'queue.changed',
  'outbox.changed',
] as const;
export type LiveMessageType = (typeof liveMessageTypes)[number];

export interface LiveMessage {
  type: LiveMessageType;
  conversationId?: string;
  agentId?: string;
  queueId?: string;
  at: string;
}

/** The groups a page joins: an agent's own, a queue's line, the supervisors', the phone simulator. */
export const liveGroups = {
  agent: (agentId: string) => `agent.${agentId}`,
  queue: (queueId: string) => `queue.${queueId}`,
  supervisors: 'supervisors',
  phone: 'phone',
} as const;

/** Who may see a conversation's changes: its agent, its queue's members, the supervisors. */
export function conversationGroups(conversation: Pick<Conversation, 'agentId' | 'queueId'>): string[] {
  return [
    ...(conversation.agentId ? [liveGroups.agent(conversation.agentId)] : []),
    liveGroups.queue(conversation.queueId),
    liveGroups.supervisors,
  ];
}

/**
 * The groups a signed-in person may join: an agent their own group and their queues'; supervisors
 * and admins the supervisors' group; on the embedded default everyone the phone simulator's.
 */
export function principalGroups(
  principal: Principal,
  agentQueueIds: string[],
  options: { phone: boolean },
): string[] {
  const groups = new Set<string>();
  if (principal.agentId) {
    groups.add(liveGroups.agent(principal.agentId));
    for (const queueId of agentQueueIds) groups.add(liveGroups.queue(queueId));
  }
  if (oversees(principal)) groups.add(liveGroups.supervisors);
  if (options.phone) groups.add(liveGroups.phone);
  return [...groups];
}
