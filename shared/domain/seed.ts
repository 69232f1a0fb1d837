import { z } from 'zod';
import { issuesFrom, ValidationError } from '../errors.js';
import { type AgentSeed, agentSeedSchema } from './agent.js';
import { type Channel, channelSchema, type Queue, queueSchema } from './channel.js';
import {
  type AutoCloseBounds,
  type Configuration,
  configurationIssues,
  duplicates,
  resolveChannel,
} from './configuration.js';

export type { AutoCloseBounds } from './configuration.js';

/** The seed file: the configuration and agents a fresh deployment starts with. */
export interface Seed {
  configuration: Configuration;
  channels: Channel[];
  queues: Queue[];
  agents: AgentSeed[];
}

const seedSchema = z.object({
  channels: z.array(channelSchema).min(1, 'configure at least one channel'),
  queues: z.array(queueSchema).min(1, 'configure at least one queue'),
  agents: z.array(agentSeedSchema).default([]),
});

/**
 * Validates the seed as a whole: each part with zod, then the rules that span parts (unique ids,
 * no number on two channels, references that resolve, auto-close within bounds).
 */
export function parseSeed(input: unknown, bounds: AutoCloseBounds): Seed {
  const parsed = seedSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('seed configuration is invalid', issuesFrom(parsed.error.issues));
  }
  const { channels, queues, agents } = parsed.data;
  const configuration: Configuration = { channels, queues };
  const issues = configurationIssues(configuration, bounds);
  const queueIds = new Set(queues.map((queue) => queue.id));
  for (const dup of duplicates(agents.map((a) => a.id)))
    issues.push({ path: 'agents', message: `duplicate id ${dup}` });
  agents.forEach((agent, index) => {
    for (const queueId of agent.queueIds) {
      if (!queueIds.has(queueId))
        issues.push({ path: `agents.${index}.queueIds`, message: `unknown queue ${queueId}` });
    }
  });
  if (issues.length > 0) throw new ValidationError('seed configuration is invalid', issues);
  return {
    configuration,
    channels: channels.map((channel) => resolveChannel(channel, bounds)),
    queues,
    agents,
  };
}
