import type { Conversation } from '../domain/conversation.js';
import { type ConversationCursor, type QueueReceiver, queueNames } from '../ports.js';
import type { CoreDeps } from './deps.js';

/** Conversations read per page while measuring a queue's line. */
const PAGE = 500;

/** When the conversation last joined the line: its last move to open (a transfer, a return). */
function waitingSince(conversation: Conversation): string {
  const joined = conversation.history.findLast((step) => step.to === 'open');
  return joined?.at ?? conversation.createdAt;
}

/**
 * The levels the metrics timer records: per queue, the conversations waiting for an agent and how
 * long the one waiting longest has waited; per work queue, its dead letters. A queue's line is read
 * a page at a time (one partition's query in Cosmos DB per page, docs/cosmos.md).
 */
export async function measureLevels(
  deps: CoreDeps,
  work: Pick<QueueReceiver, 'deadLetters'>,
): Promise<{ waiting: number; deadLetters: number }> {
  const now = deps.clock.now().getTime();
  let waiting = 0;
  for (const queue of deps.directory.queues()) {
    let depth = 0;
    let oldest = now;
    for (let after: ConversationCursor | undefined; ; ) {
      const page = await deps.store.findConversations({
        queueId: queue.id,
        states: ['open'],
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      depth += page.length;
      for (const { value } of page) oldest = Math.min(oldest, Date.parse(waitingSince(value)));
      const last = page.at(-1)?.value;
      if (!last || page.length < PAGE) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
    waiting += depth;
    deps.metrics.gauge('sms.queue.depth', depth, { queue: queue.id });
    deps.metrics.gauge('sms.queue.oldest_wait', Math.max(0, Math.round((now - oldest) / 1000)), {
      queue: queue.id,
    });
  }
  let deadLetters = 0;
  for (const name of Object.values(queueNames)) {
    const count = (await work.deadLetters(name)).length;
    deadLetters += count;
    deps.metrics.gauge('sms.work.dead_letters', count, { queue: name });
  }
  return { waiting, deadLetters };
}
