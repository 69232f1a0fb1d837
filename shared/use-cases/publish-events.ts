import type { Conversation } from '../domain/conversation.js';
import type { IntegrationEvent } from '../domain/integration-event.js';
import type { EventPublisher, Logger, Store } from '../ports.js';

export interface PublishDeps {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
}

/**
 * A message's event knows its conversation, not the conversation's channel, queue or agent: they
 * are added here from the conversation as it is when published (one read per conversation per
 * batch), so writing a message costs no extra read. A notification's messages have no conversation
 * record and go out as they are.
 */
async function withConversation(store: Store, events: IntegrationEvent[]): Promise<IntegrationEvent[]> {
  const read = new Map<string, Promise<Conversation | undefined>>();
  const conversationOf = (id: string) => {
    let found = read.get(id);
    if (!found) {
      found = store.getConversation(id).then((stored) => stored?.value);
      read.set(id, found);
    }
    return found;
  };
  return Promise.all(
    events.map(async (event) => {
      const { conversationId } = event.data;
      if (!conversationId || event.data.channelId !== undefined) return event;
      const conversation = await conversationOf(conversationId);
      if (!conversation) return event;
      return {
        ...event,
        data: {
          ...event.data,
          channelId: conversation.channelId,
          queueId: conversation.queueId,
          agentId: event.data.agentId ?? conversation.agentId,
        },
      };
    }),
  );
}

/**
 * Drains the outbox: the oldest events are published, then forgotten. A crash between the two
 * leaves them in the outbox, so the next run publishes them again with the same ids: at least
 * once, never lost, and a subscriber recognises the repeat by id. Runs until the outbox is empty
 * or `maxBatches` batches went out, so one run stays short.
 */
export async function publishPendingEvents(
  deps: PublishDeps,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ published: number }> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 10;
  let published = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const pending = await deps.store.pendingEvents(batchSize);
    if (pending.length === 0) break;
    await deps.publisher.publish(
      await withConversation(
        deps.store,
        pending.map((entry) => entry.event),
      ),
    );
    await deps.store.removeEvents(pending.map((entry) => entry.receipt));
    published += pending.length;
    if (pending.length < batchSize) break;
  }
  await deps.publisher.retryDue();
  if (published > 0) deps.logger.info('events.published', { count: published });
  return { published };
}
