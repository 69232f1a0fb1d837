import { z } from 'zod';
import { idSchema } from './channel.js';
import { nameSchema } from './fields.js';

export const presences = ['available', 'busy', 'away', 'offline'] as const;
export type Presence = (typeof presences)[number];

export const agentSeedSchema = z.object({
  id: idSchema,
  name: nameSchema(),
  capacity: z.number().int().min(1).max(100),
  queueIds: z.array(idSchema).min(1, 'an agent belongs to at least one queue'),
  presence: z.enum(presences).default('offline'),
  skills: z.array(z.string().trim().min(1)).default([]),
  /** Who signs in as this agent: their Entra ID object id or user principal name. */
  userId: z.string().trim().min(1).max(200).optional(),
});
export type AgentSeed = z.output<typeof agentSeedSchema>;

export interface Assignment {
  conversationId: string;
  since: string;
}

/** An agent as stored: configuration plus the live state assignment works on. */
export interface Agent {
  id: string;
  name: string;
  capacity: number;
  queueIds: string[];
  presence: Presence;
  /** What the agent can handle; a conversation may require some (routing rules). */
  skills?: string[];
  /** Who signs in as this agent (Entra ID object id or user principal name). */
  userId?: string;
  /** Conversations counted against capacity (active and wrap-up). */
  assignments: Assignment[];
}

export function freeCapacity(agent: Agent): number {
  return agent.capacity - agent.assignments.length;
}

export function hasSkills(agent: Agent, required: readonly string[] = []): boolean {
  return required.every((skill) => agent.skills?.includes(skill));
}

export function canTakeWork(agent: Agent, queueId: string, requiredSkills: readonly string[] = []): boolean {
  return (
    agent.presence === 'available' &&
    agent.queueIds.includes(queueId) &&
    freeCapacity(agent) > 0 &&
    hasSkills(agent, requiredSkills)
  );
}
