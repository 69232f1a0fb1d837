import { z } from 'zod';
import { issuesFrom, ValidationError, type ValidationIssue } from '../errors.js';
import { type Channel, type ChannelSettings, channelSchema, type Queue, queueSchema } from './channel.js';
import { type ChannelNumber, hasNumber, numbersOf } from './channel-number.js';
import { resolveInactivityLimits } from './inactivity.js';

export interface AutoCloseBounds {
  defaultMinutes: number;
  minMinutes: number;
  maxMinutes: number;
}

/**
 * Everything an admin configures that is read on every message: channels (numbers, provider,
 * routing, hours, automated messages, keywords) and queues. It is small, stored as one document
 * under one ETag, and cached in memory by every instance, so a change is validated and applied
 * as a whole and a message never sees half of one.
 */
export const configurationSchema = z.object({
  channels: z.array(channelSchema).default([]),
  queues: z.array(queueSchema).default([]),
});
export type Configuration = { channels: ChannelSettings[]; queues: Queue[] };

export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(values.filter((value) => seen.size === seen.add(value).size))];
}

/** The rules that span channels and queues: unique ids, no number on two channels, references. */
export function configurationIssues(
  configuration: Configuration,
  bounds: AutoCloseBounds,
): ValidationIssue[] {
  const { channels, queues } = configuration;
  const issues: ValidationIssue[] = [];
  const queueIds = new Set(queues.map((queue) => queue.id));
  for (const dup of duplicates(channels.map((c) => c.id)))
    issues.push({ path: 'channels', message: `duplicate id ${dup}` });
  for (const dup of duplicates(queues.map((q) => q.id)))
    issues.push({ path: 'queues', message: `duplicate id ${dup}` });
  for (const dup of duplicates(channels.flatMap(numbersOf))) {
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
        if (!hasNumber(channel, number)) {
          issues.push({
            path: `channels.${index}.routing.${ruleIndex}.when.numbers`,
            message: `${number} is not a number of this channel`,
          });
        }
      }
    });
    const limits: [string, number | null | undefined][] = [
      ['autoCloseMinutes', channel.autoCloseMinutes],
      ...Object.entries(channel.autoClose ?? {}).map(
        ([state, minutes]): [string, number | null | undefined] => [`autoClose.${state}`, minutes],
      ),
    ];
    for (const [path, minutes] of limits) {
      if (typeof minutes === 'number' && (minutes < bounds.minMinutes || minutes > bounds.maxMinutes)) {
        issues.push({
          path: `channels.${index}.${path}`,
          message: `must be between ${bounds.minMinutes} and ${bounds.maxMinutes} minutes${path === 'autoCloseMinutes' ? '' : ' (or null: never)'}`,
        });
      }
    }
  });
  return issues;
}

/**
 * A stored configuration in today's shape. The stores give back documents as they were written,
 * and a configuration saved before numbers had details holds each number as a bare string: read
 * forward here, it is a number without a type (paced as read from the number, as it was).
 */
export function currentShape(stored: Configuration): Configuration {
  return {
    ...stored,
    channels: stored.channels.map((channel) => ({
      ...channel,
      numbers: (channel.numbers as unknown[]).map((entry) =>
        typeof entry === 'string' ? { number: entry as ChannelNumber['number'] } : (entry as ChannelNumber),
      ),
    })),
  };
}

/** Validates a whole configuration: each part with zod, then the rules that span parts. */
export function parseConfiguration(input: unknown, bounds: AutoCloseBounds): Configuration {
  const parsed = configurationSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('configuration is invalid', issuesFrom(parsed.error.issues));
  const issues = configurationIssues(parsed.data, bounds);
  if (issues.length > 0)
    throw new ValidationError(`configuration is invalid: ${issues[0]?.path}: ${issues[0]?.message}`, issues);
  return parsed.data;
}

/** Dynamics 365 closes an SMS conversation left in wrap-up after one day; so do we by default. */
export const WRAP_UP_DEFAULT_MINUTES = 1440;

/** A channel as the use cases see it: the configured defaults filled in where it sets none. */
export function resolveChannel(settings: ChannelSettings, bounds: AutoCloseBounds): Channel {
  const autoCloseMinutes = settings.autoCloseMinutes ?? bounds.defaultMinutes;
  const wrapUp = Math.min(Math.max(WRAP_UP_DEFAULT_MINUTES, bounds.minMinutes), bounds.maxMinutes);
  return {
    ...settings,
    autoCloseMinutes,
    autoClose: resolveInactivityLimits(settings.autoClose, autoCloseMinutes, wrapUp),
  };
}
