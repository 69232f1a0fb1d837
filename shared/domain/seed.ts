import { z } from 'zod';
import { issuesFrom, ValidationError } from '../errors.js';
import { type AgentSeed, agentSeedSchema } from './agent.js';
import { type Channel, channelSchema, type Queue, queueSchema } from './channel.js';

export interface AutoCloseBounds {
  defaultMinutes: number;
  minMinutes: number;
  maxMinutes: number;
}

export interface Seed {
  channels: Channel[];
  queues: Queue[];
  agents: AgentSeed[];
}

const seedSchema = z.object({
  channels: z.array(channelSchema).min(1, 'configure at least one channel'),
  queues: z.array(queueSchema).min(1, 'configure at least one queue'),
  agents: z.array(agentSeedSchema).default([]),
});

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(values.filter((value) => seen.size === seen.add(value).size))];
}

/**
 * Validates the seed configuration as a whole: each part with zod, then the rules that span parts
 * (unique ids, no number on two channels, references that resolve, auto-close within bounds).
 */
export function parseSeed(input: unknown, bounds: AutoCloseBounds): Seed {
  const parsed = seedSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('seed configuration is invalid', issuesFrom(parsed.error.issues));
  }
  const { channels, queues, agents } = parsed.data;
  const issues: { path: string; message: string }[] = [];
  const queueIds = new Set(queues.map((queue) => queue.id));

  for (const dup of duplicates(channels.map((c) => c.id)))
    issues.push({ path: 'channels', message: `duplicate id ${dup}` });
  for (const dup of duplicates(queues.map((q) => q.id)))
    issues.push({ path: 'queues', message: `duplicate id ${dup}` });
  for (const dup of duplicates(agents.map((a) => a.id)))
    issues.push({ path: 'agents', message: `duplicate id ${dup}` });
  for (const dup of duplicates(channels.flatMap((c) => c.numbers))) {
    issues.push({ path: 'channels', message: `number ${dup} is on more than one channel` });
  }
  channels.forEach((channel, index) => {
    if (!queueIds.has(channel.defaultQueueId)) {
      issues.push({
        path: `channels.${index}.defaultQueueId`,
        message: `unknown queue ${channel.defaultQueueId}`,
      });
    }
    channel.routing.forEach((rule, ruleIndex) => {
      if (!queueIds.has(rule.queueId)) {
        issues.push({
          path: `channels.${index}.routing.${ruleIndex}.queueId`,
          message: `unknown queue ${rule.queueId}`,
        });
      }
      for (const number of rule.when.numbers ?? []) {
        if (!channel.numbers.includes(number)) {
          issues.push({
            path: `channels.${index}.routing.${ruleIndex}.when.numbers`,
            message: `${number} is not a number of this channel`,
          });
        }
      }
    });
    const minutes = channel.autoCloseMinutes;
    if (minutes !== undefined && (minutes < bounds.minMinutes || minutes > bounds.maxMinutes)) {
      issues.push({
        path: `channels.${index}.autoCloseMinutes`,
        message: `must be between ${bounds.minMinutes} and ${bounds.maxMinutes} minutes`,
      });
    }
  });
  agents.forEach((agent, index) => {
    for (const queueId of agent.queueIds) {
      if (!queueIds.has(queueId))
        issues.push({ path: `agents.${index}.queueIds`, message: `unknown queue ${queueId}` });
    }
  });
  if (issues.length > 0) throw new ValidationError('seed configuration is invalid', issues);

  return {
    channels: channels.map((channel) => ({
      ...channel,
      autoCloseMinutes: channel.autoCloseMinutes ?? bounds.defaultMinutes,
    })),
    queues,
    agents,
  };
}
