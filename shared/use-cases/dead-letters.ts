import { maskPhonesIn } from '../domain/mask.js';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  type DeadLetter,
  type Logger,
  type QueueName,
  type QueueReceiver,
  queueNames,
  replayMessageId,
} from '../ports.js';

/** What the admin API needs of the queue: its dead letters, on the embedded queue or Service Bus. */
export type DeadLetterQueues = Pick<QueueReceiver, 'deadLetters' | 'replayDeadLetter' | 'discardDeadLetter'>;

export interface DeadLetterDeps {
  queue: DeadLetterQueues;
  logger: Logger;
}

const workQueues: readonly QueueName[] = Object.values(queueNames);

/** The fields of a work message that hold what a customer or an agent wrote. */
const TEXT_FIELDS = new Set(['text', 'media']);

/** A dead letter as an admin reads it: why and where, with numbers masked; the text only when asked. */
export interface DeadLetterView {
  queue: QueueName;
  /** The handle to replay or discard it by. */
  sequence: string;
  messageId: string;
  /** Masked: a session names our number and the customer's. */
  session: string;
  reason: string;
  description?: string;
  deliveryCount: number;
  enqueuedAt: string;
  /** The work it carried, numbers masked, without its text and media unless asked for. */
  work: unknown;
  /** Whether `work` holds the message's text and media. */
  textIncluded: boolean;
}

/** The work queue of this name; NotFoundError naming the work queues otherwise. */
export function workQueue(name: string): QueueName {
  if ((workQueues as readonly string[]).includes(name)) return name as QueueName;
  throw new NotFoundError(
    `there is no work queue named ${name.slice(0, 100)}; the work queues are ${workQueues.join(', ')}`,
  );
}

function sequenceNumber(value: string, path = 'sequence'): string {
  if (/^\d{1,19}$/.test(value)) return value;
  throw new ValidationError(`a dead letter is named by its sequence number, a whole number (from the list)`, [
    { path, message: 'not a sequence number' },
  ]);
}

/** The work without its text (unless included), every other string with its phone numbers masked. */
function redact(value: unknown, includeText: boolean): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, includeText));
  if (typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (TEXT_FIELDS.has(key)) {
      // What the person wrote is shown as written, or not at all.
      if (includeText) kept[key] = field;
      continue;
    }
    kept[key] = redact(field, includeText);
  }
  return kept;
}

export function deadLetterView(queue: QueueName, letter: DeadLetter, includeText: boolean): DeadLetterView {
  return {
    queue,
    sequence: letter.sequence,
    messageId: maskPhonesIn(letter.id),
    session: maskPhonesIn(letter.sessionId),
    reason: maskPhonesIn(letter.reason),
    ...(letter.description ? { description: maskPhonesIn(letter.description) } : {}),
    deliveryCount: letter.deliveryCount,
    enqueuedAt: letter.enqueuedAt.toISOString(),
    work: redact(letter.body, includeText),
    textIncluded: includeText,
  };
}

/** How many dead letters each work queue holds: where to look first. */
export async function countDeadLetters(deps: Pick<DeadLetterDeps, 'queue'>) {
  const queues = [];
  for (const queue of workQueues)
    queues.push({ queue, deadLetters: (await deps.queue.deadLetters(queue)).length });
  return { queues };
}

/**
 * A work queue's dead letters, oldest first, a page at a time (`next` is the `after` of the page
 * after). The text of the work only with includeText, which the admin API gives admins who ask.
 */
export async function listDeadLetters(
  deps: Pick<DeadLetterDeps, 'queue'>,
  query: { queue: string; after?: string | undefined; limit?: number | undefined; includeText: boolean },
) {
  const queue = workQueue(query.queue);
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError('limit is a whole number from 1 to 1000', [
      { path: 'limit', message: 'out of range' },
    ]);
  }
  const after = query.after === undefined ? undefined : sequenceNumber(query.after, 'after');
  const letters = await deps.queue.deadLetters(queue, { ...(after ? { after } : {}), limit });
  return {
    deadLetters: letters.map((letter) => deadLetterView(queue, letter, query.includeText)),
    next: letters.length === limit ? letters.at(-1)?.sequence : undefined,
  };
}

/**
 * Sends a dead letter back to its queue as new work, once: the work runs again as on its first
 * delivery (every use case is safe to repeat), and a replay repeated meanwhile is dropped by the
 * queue's duplicate detection. NotFoundError, and nothing changes, when there is no such dead letter.
 */
export async function replayDeadLetter(
  deps: DeadLetterDeps,
  input: { queue: string; sequence: string; by: string },
) {
  const queue = workQueue(input.queue);
  const sequence = sequenceNumber(input.sequence);
  const before = previous(sequence);
  const [letter] = await deps.queue.deadLetters(queue, { ...(before ? { after: before } : {}), limit: 1 });
  if (!letter || letter.sequence !== sequence || !(await deps.queue.replayDeadLetter(queue, sequence))) {
    throw new NotFoundError(
      `${queue} has no dead letter ${sequence} (it may have been replayed or discarded already)`,
    );
  }
  deps.logger.info('dead-letter.replayed', { queue, sequence, by: input.by });
  return { queue, sequence, replayedAs: maskPhonesIn(replayMessageId(letter.id, sequence)) };
}

/** Removes a dead letter for good. NotFoundError, and nothing changes, when there is none. */
export async function discardDeadLetter(
  deps: DeadLetterDeps,
  input: { queue: string; sequence: string; by: string },
) {
  const queue = workQueue(input.queue);
  const sequence = sequenceNumber(input.sequence);
  if (!(await deps.queue.discardDeadLetter(queue, sequence))) {
    throw new NotFoundError(
      `${queue} has no dead letter ${sequence} (it may have been replayed or discarded already)`,
    );
  }
  deps.logger.info('dead-letter.discarded', { queue, sequence, by: input.by });
}

/** The sequence number before this one, to read one dead letter as the page after it. */
function previous(sequence: string): string | undefined {
  const before = BigInt(sequence) - 1n;
  return before < 0n ? undefined : before.toString();
}
