import type { z } from 'zod';
import { type ChannelSettings, channelSchema, type Queue, queueSchema } from '../domain/channel.js';
import {
  type Configuration,
  currentShape,
  parseConfiguration,
  resolveChannel,
} from '../domain/configuration.js';
import { unclosedStates } from '../domain/conversation.js';
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
  const stored = await deps.store.getConfiguration();
  return stored ? { ...stored, value: currentShape(stored.value) } : { value: empty, etag: '' };
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
  options: {
    ifMatch?: string | undefined;
    /** Checks the store before the write (work the change would strand); throws to refuse. */
    guard?: (before: Configuration, after: Configuration) => Promise<void>;
  } = {},
): Promise<Stored<Configuration>> {
  const saved = await retryOnConflict(async () => {
    const stored = await deps.store.getConfiguration();
    if (options.ifMatch !== undefined && options.ifMatch !== (stored?.etag ?? '')) {
      throw new PreconditionFailedError(
        'the configuration changed since it was read (If-Match); read it again',
      );
    }
    const current = currentShape(structuredClone(stored?.value ?? empty));
    const next = parseConfiguration(change(current), deps.limits.autoClose);
    await options.guard?.(currentShape(stored?.value ?? empty), next);
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

/** Replaces an item in its place (an export keeps its order), or adds it at the end. */
function replacedOrAdded<T extends { id: string }>(items: T[], item: T): T[] {
  return items.some((i) => i.id === item.id)
    ? items.map((i) => (i.id === item.id ? item : i))
    : [...items, item];
}

/** Creates or replaces a channel (PUT): the whole channel, validated with the rest. */
export async function putChannel(deps: CoreDeps, channelId: string, input: unknown) {
  const channel = parsePart(channelSchema, withId(input, channelId, 'channel'), 'the channel');
  const saved = await changeConfiguration(deps, (configuration) => ({
    ...configuration,
    channels: replacedOrAdded(configuration.channels, channel),
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
  const stranded = await channelWork(deps, channelId);
  if (stranded) throw new ConflictError(stranded);
  await changeConfiguration(deps, (configuration) => {
    findChannelSettings(configuration, channelId);
    return { ...configuration, channels: configuration.channels.filter((c) => c.id !== channelId) };
  });
}

export async function putQueue(deps: CoreDeps, queueId: string, input: unknown): Promise<Queue> {
  const queue = parsePart(queueSchema, withId(input, queueId, 'queue'), 'the queue');
  await changeConfiguration(deps, (configuration) => ({
    ...configuration,
    queues: replacedOrAdded(configuration.queues, queue),
  }));
  return queue;
}

/** A queue is removed only when nothing uses it: no channel, no agent, no conversation waiting. */
export async function deleteQueue(deps: CoreDeps, queueId: string): Promise<void> {
  const stranded = await queueWork(deps, queueId);
  if (stranded) throw new ConflictError(stranded);
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

/** What removing a channel would strand: a conversation still under way on it. */
async function channelWork(deps: CoreDeps, channelId: string): Promise<string | undefined> {
  const [open] = await deps.store.findConversations({ channelId, states: unclosedStates, limit: 1 });
  return open
    ? `channel ${channelId} has conversations under way (${open.value.id}); close them first`
    : undefined;
}

/** What removing a queue would strand: its members, or a conversation still under way in it. */
async function queueWork(deps: CoreDeps, queueId: string): Promise<string | undefined> {
  const members = (await deps.store.listAgents({ queueId })).map((a) => a.value.id);
  if (members.length > 0) return `queue ${queueId} has members (${members.join(', ')}); move them first`;
  const [open] = await deps.store.findConversations({ queueId, states: unclosedStates, limit: 1 });
  return open
    ? `queue ${queueId} has conversations under way (${open.value.id}); transfer them first`
    : undefined;
}

/**
 * Everything a new configuration would strand, checked as deleting each channel and queue it
 * leaves out would be: one message naming them all, or undefined when nothing is in the way.
 */
export async function strandedBy(
  deps: CoreDeps,
  before: Configuration,
  after: Configuration,
): Promise<string | undefined> {
  const keptChannels = new Set(after.channels.map((c) => c.id));
  const keptQueues = new Set(after.queues.map((q) => q.id));
  const removedQueues = before.queues.filter((q) => !keptQueues.has(q.id));
  const problems: string[] = [];
  for (const channel of before.channels.filter((c) => !keptChannels.has(c.id))) {
    const problem = await channelWork(deps, channel.id);
    if (problem) problems.push(problem);
  }
  for (const queue of removedQueues) {
    const problem = await queueWork(deps, queue.id);
    if (problem) problems.push(problem);
  }
  return problems.length > 0 ? `the new configuration would strand work: ${problems.join('; ')}` : undefined;
}

/**
 * A whole configuration must say what it holds: `channels` and `queues` both given as lists. An
 * empty body or `{}` is refused rather than read as "no channels, no queues": a mistaken import
 * would otherwise wipe every channel.
 */
function wholeConfiguration(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('the configuration must be a JSON object with channels and queues', [
      { path: '', message: 'expected an object with channels and queues' },
    ]);
  }
  const missing = (['channels', 'queues'] as const).filter(
    (key) => !Array.isArray((input as Record<string, unknown>)[key]),
  );
  if (missing.length > 0) {
    throw new ValidationError(
      `the configuration needs ${missing.join(' and ')} (a list each, even if empty); nothing changed`,
      missing.map((key) => ({ path: key, message: 'required: a list' })),
    );
  }
  return input;
}

/**
 * Replaces the whole configuration (an import), optionally only if it is still the one read.
 * Channels and queues it leaves out are removed only if deleting them one by one would be allowed.
 */
export async function replaceConfiguration(deps: CoreDeps, input: unknown, ifMatch?: string) {
  const whole = wholeConfiguration(input);
  return changeConfiguration(deps, () => whole as Configuration, {
    ifMatch,
    guard: async (before, after) => {
      const stranded = await strandedBy(deps, before, after);
      if (stranded) throw new ConflictError(stranded);
    },
  });
}
