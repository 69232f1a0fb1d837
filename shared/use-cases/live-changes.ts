import type { Agent } from '../domain/agent.js';
import type { Conversation } from '../domain/conversation.js';
import { conversationGroups, type LiveMessage, liveGroups } from '../domain/live.js';
import type { Message } from '../domain/message.js';
import { isNotificationPartition } from '../domain/notification.js';
import { errorText } from '../errors.js';
import type { Clock, LiveUpdates, Logger, Store } from '../ports.js';

/** Conversations whose groups are remembered between a read and the write that follows it. */
const REMEMBERED = 5000;
/** How long a remembered conversation's groups are trusted for a message status change. */
const TRUSTED_MS = 10_000;

interface Remembered {
  agentId: string | null;
  queueId: string;
  state: Conversation['state'];
  at: number;
}

/**
 * The store, publishing each change a page shows as it is written: a conversation's state, queue
 * or agent (to the old and new groups), a new message, an outbound status, an agent's presence or
 * load, a queue's line. Every write goes through here, so no use case can forget to tell the pages.
 * Publishing is a hint: a failure is logged and never fails the write (pages re-read on reconnect).
 * A notification's messages belong to no conversation, so no page shows them but the phone
 * simulator's outbox. Telling the supervisors of each (as of a message whose conversation is gone)
 * sent every supervisor's page two hints per recipient to re-read its floor, 20,000 for a
 * notification of 10,000, each a call to Web PubSub on Azure.
 */
export function withLiveUpdates(
  store: Store,
  live: LiveUpdates,
  options: { clock: Clock; logger: Logger; phone: boolean },
): Store {
  const { clock, logger } = options;
  const remembered = new Map<string, Remembered>();
  const remember = (c: Conversation) => {
    remembered.delete(c.id);
    remembered.set(c.id, { agentId: c.agentId, queueId: c.queueId, state: c.state, at: Date.now() });
    if (remembered.size > REMEMBERED) remembered.delete(remembered.keys().next().value as string);
  };
  // The groups may need a read to find (a message's conversation): it happens inside the try, so a
  // failed read, like a failed publish, never fails the write that already succeeded.
  const publish = async (groups: string[] | (() => Promise<string[]>), message: Omit<LiveMessage, 'at'>) => {
    try {
      const to = typeof groups === 'function' ? await groups() : groups;
      await live.publish([...new Set(to)], { ...message, at: clock.now().toISOString() });
    } catch (error) {
      logger.warn('live.publish-failed', {
        type: message.type,
        error: errorText(error),
      });
    }
  };
  const conversationChanged = async (before: Remembered | undefined, after: Conversation) => {
    const groups = [...conversationGroups(after), ...(before ? conversationGroups(before) : [])];
    await publish(groups, {
      type: 'conversation.changed',
      conversationId: after.id,
      queueId: after.queueId,
      ...(after.agentId ? { agentId: after.agentId } : {}),
    });
    // A queue's line may have changed when the conversation was waiting in it, before or after.
    const lines = new Set<string>();
    if (after.state === 'open') lines.add(after.queueId);
    if (before?.state === 'open') lines.add(before.queueId);
    for (const queueId of lines) {
      await publish([liveGroups.queue(queueId), liveGroups.supervisors], { type: 'queue.changed', queueId });
    }
  };
  const groupsOf = async (conversationId: string, fresh: boolean) => {
    const known = remembered.get(conversationId);
    if (known && (!fresh || Date.now() - known.at < TRUSTED_MS)) return conversationGroups(known);
    const stored = await store.getConversation(conversationId);
    if (stored) remember(stored.value);
    return stored ? conversationGroups(stored.value) : [liveGroups.supervisors];
  };
  const messageAdded = async (message: Message) => {
    if (isNotificationPartition(message.conversationId)) return;
    await publish(() => groupsOf(message.conversationId, false), {
      type: 'message.added',
      conversationId: message.conversationId,
    });
  };
  const agentChanged = async (agent: Agent) => {
    await publish(
      [liveGroups.agent(agent.id), liveGroups.supervisors, ...agent.queueIds.map(liveGroups.queue)],
      { type: 'agent.changed', agentId: agent.id },
    );
  };

  const overrides: Partial<Store> = {
    async getConversation(id) {
      const stored = await store.getConversation(id);
      if (stored) remember(stored.value);
      return stored;
    },
    async createConversation(conversation) {
      const created = await store.createConversation(conversation);
      remember(created.value);
      await conversationChanged(undefined, created.value);
      return created;
    },
    async createConversationWithMessage(conversation, message) {
      const created = await store.createConversationWithMessage(conversation, message);
      remember(created.value);
      await conversationChanged(undefined, created.value);
      await messageAdded(message);
      return created;
    },
    async replaceConversation(conversation, etag) {
      const before = remembered.get(conversation.id);
      const replaced = await store.replaceConversation(conversation, etag);
      remember(replaced.value);
      await conversationChanged(before, replaced.value);
      return replaced;
    },
    async takeNextSeq(conversationId, at) {
      const taken = await store.takeNextSeq(conversationId, at);
      if (taken) remember(taken.value);
      return taken;
    },
    async createMessage(message) {
      const created = await store.createMessage(message);
      await messageAdded(message);
      return created;
    },
    async replaceMessage(message, etag) {
      const replaced = await store.replaceMessage(message, etag);
      if (message.direction === 'outbound' && message.status !== 'queued') {
        if (!isNotificationPartition(message.conversationId)) {
          await publish(() => groupsOf(message.conversationId, true), {
            type: 'message.status',
            conversationId: message.conversationId,
          });
        }
        if (options.phone && message.status === 'sent') {
          await publish([liveGroups.phone], {
            type: 'outbox.changed',
            conversationId: message.conversationId,
          });
        }
      }
      return replaced;
    },
    async createAgent(agent) {
      const created = await store.createAgent(agent);
      await agentChanged(created.value);
      return created;
    },
    async replaceAgent(agent, etag) {
      const replaced = await store.replaceAgent(agent, etag);
      await agentChanged(replaced.value);
      return replaced;
    },
  };
  // Every other method is the store's own, so a method added to the port later passes through.
  return new Proxy(store, {
    get(target, property, receiver) {
      const own = overrides[property as keyof Store];
      if (own) return own;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
