import type { z } from 'zod';
import { type ChannelSettings, channelSchema, type Queue, queueSchema } from '../domain/channel.js';
import { type Configuration, parseConfiguration, resolveChannel } from '../domain/configuration.js';
import { unclosedStates } from '../domain/conversation.js';
import { parseSenderNumber } from '../domain/phone.js';
import {
  ConfigurationError,
  ConflictError,
  issuesFrom,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../errors.js';
import type { Stored } from '../ports.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

const empty: Configuration = { channels: [], queues: [] };

export async function readConfiguration(deps: CoreDeps): Promise<Stored<Configuration>> {
  return (await deps.store.getConfiguration()) ?? { value: empty, etag: '' };
}

/** Parses a part of the configuration, refusing with every problem named. */
export function parsePart<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = issuesFrom(parsed.error.issues);
  throw new ValidationError(`${what} is invalid: ${issues[0]?.path}: ${issues[0]?.message}`, issues);
}

/**
 * The one way the configuration changes: read it, apply the change, validate the whole result
 * (each part, and the rules that span them), make sure every channel that changed can send, write
 * it under its ETag, and tell every reader. A change that fails any check changes nothing.
 * `ifMatch` is the ETag the caller read (HTTP If-Match): a configuration changed since is a 412.
 */
export async function changeConfiguration(
  deps: CoreDeps,
  change: (current: Configuration) => Configuration,
  options: { ifMatch?: string | undefined } = {},
): Promise<Stored<Configuration>> {
  const saved = await retryOnConflict(async () => {
    const stored = await deps.store.getConfiguration();
    if (options.ifMatch !== undefined && options.ifMatch !== (stored?.etag ?? '')) {
      throw new PreconditionFailedError(
        'the configuration changed since it was read (If-Match); read it again',
      );
    }
    const current = structuredClone(stored?.value ?? empty);
    const next = parseConfiguration(change(current), deps.limits.autoClose);
    await prepareChanged(deps, current, next);
    return deps.store.putConfiguration(next, stored?.etag ?? null);
  });
  await deps.configurationChanged();
  deps.logger.info('configuration.changed', {
    channels: saved.value.channels.length,
    queues: saved.value.queues.length,
  });
  return saved;
}

/** Every new or changed channel must be able to send in this deployment: its provider configured. */
async function prepareChanged(deps: CoreDeps, before: Configuration, after: Configuration) {
  const old = new Map(before.channels.map((channel) => [channel.id, JSON.stringify(channel)]));
  for (const channel of after.channels) {
    if (old.get(channel.id) === JSON.stringify(channel)) continue;
    try {
      await deps.senders.prepare(resolveChannel(channel, deps.limits.autoClose));
    } catch (error) {
      if (error instanceof ConfigurationError) throw new ConflictError(error.message, { cause: error });
      throw error;
    }
  }
}

export function findChannelSettings(configuration: Configuration, channelId: string): ChannelSettings {
  const channel = configuration.channels.find((c) => c.id === channelId);
  if (!channel) throw new NotFoundError(`channel ${channelId} does not exist`);
  return channel;
}

/** A PUT body takes its id from the address; one that names another id is refused, not overridden. */
export function withId(input: unknown, id: string, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`${what} must be a JSON object`);
  }
  const given = (input as { id?: unknown }).id;
  if (given !== undefined && given !== id) {
    throw new ValidationError(`the body's id ${String(given)} is not the ${what} id ${id} in the address`, [
      { path: 'id', message: `must be ${id} or absent` },
    ]);
  }
  return { ...input, id };
}

/** Creates or replaces a channel (PUT): the whole channel, validated with the rest. */
export async function putChannel(deps: CoreDeps, channelId: string, input: unknown) {
  const channel = parsePart(channelSchema, withId(input, channelId, 'channel'), 'the channel');
  const saved = await changeConfiguration(deps, (configuration) => ({
    ...configuration,
    channels: [...configuration.channels.filter((c) => c.id !== channelId), channel],
  }));
  return findChannelSettings(saved.value, channelId);
}

/** Changes one part of a channel (its numbers, routing, hours, messages, keywords). */
export async function changeChannel(
  deps: CoreDeps,
  channelId: string,
  change: (channel: ChannelSettings) => ChannelSettings,
) {
  const saved = await changeConfiguration(deps, (configuration) => {
    const channel = findChannelSettings(configuration, channelId);
    return {
      ...configuration,
      channels: configuration.channels.map((c) => (c.id === channelId ? change(channel) : c)),
    };
  });
  return findChannelSettings(saved.value, channelId);
}

/** A channel with conversations still under way is not removed: their customers would be stranded. */
export async function deleteChannel(deps: CoreDeps, channelId: string): Promise<void> {
  const [open] = await deps.store.findConversations({ channelId, states: unclosedStates, limit: 1 });
  if (open) {
    throw new ConflictError(
      `channel ${channelId} has conversations under way (${open.value.id}); close them first`,
    );
  }
  await changeConfiguration(deps, (configuration) => {
    findChannelSettings(configuration, channelId);
    return { ...configuration, channels: configuration.channels.filter((c) => c.id !== channelId) };
  });
}

export async function addNumber(deps: CoreDeps, channelId: string, input: string) {
  const number = parseSenderNumber(input, 'number');
  return changeChannel(deps, channelId, (channel) => {
    if (channel.numbers.includes(number))
      throw new ConflictError(`channel ${channelId} has ${number} already`);
    return { ...channel, numbers: [...channel.numbers, number] };
  });
}

export async function removeNumber(deps: CoreDeps, channelId: string, input: string) {
  const number = parseSenderNumber(input, 'number');
  return changeChannel(deps, channelId, (channel) => {
    if (!channel.numbers.includes(number as never))
      throw new NotFoundError(`channel ${channelId} has no number ${number}`);
    return { ...channel, numbers: channel.numbers.filter((n) => n !== number) };
  });
}

export async function putQueue(deps: CoreDeps, queueId: string, input: unknown): Promise<Queue> {
  const queue = parsePart(queueSchema, withId(input, queueId, 'queue'), 'the queue');
  await changeConfiguration(deps, (configuration) => ({
    ...configuration,
    queues: [...configuration.queues.filter((q) => q.id !== queueId), queue],
  }));
  return queue;
}

/** A queue is removed only when nothing uses it: no channel, no agent, no conversation waiting. */
export async function deleteQueue(deps: CoreDeps, queueId: string): Promise<void> {
  const members = (await deps.store.listAgents()).filter((a) => a.value.queueIds.includes(queueId));
  if (members.length > 0) {
    throw new ConflictError(
      `queue ${queueId} has members (${members.map((a) => a.value.id).join(', ')}); move them first`,
    );
  }
  const [open] = await deps.store.findConversations({ queueId, states: unclosedStates, limit: 1 });
  if (open)
    throw new ConflictError(
      `queue ${queueId} has conversations under way (${open.value.id}); transfer them first`,
    );
  await changeConfiguration(deps, (configuration) => {
    if (!configuration.queues.some((q) => q.id === queueId))
      throw new NotFoundError(`queue ${queueId} does not exist`);
    const users = configuration.channels.filter(
      (c) => c.defaultQueueId === queueId || c.routing.some((rule) => rule.queueId === queueId),
    );
    if (users.length > 0) {
      throw new ConflictError(
        `queue ${queueId} is used by channel ${users.map((c) => c.id).join(', ')} (default queue or routing)`,
      );
    }
    return { ...configuration, queues: configuration.queues.filter((q) => q.id !== queueId) };
  });
}

/** Replaces the whole configuration (an import), optionally only if it is still the one read. */
export async function replaceConfiguration(deps: CoreDeps, input: unknown, ifMatch?: string) {
  return changeConfiguration(deps, () => input as Configuration, { ifMatch });
}
