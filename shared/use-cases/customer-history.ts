import { oversees, type Principal } from '../domain/access.js';
import type { Conversation } from '../domain/conversation.js';
import type { Message } from '../domain/message.js';
import { parsePhoneNumber } from '../domain/phone.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ConversationCursor } from '../ports.js';
import { actingAgent } from './access.js';
import type { CoreDeps } from './deps.js';

/** One conversation of a customer's history, with its transcript. */
export interface HistoryEntry {
  conversation: Conversation;
  messages: Message[];
}

export interface HistoryPage {
  conversations: HistoryEntry[];
  /** Pass back as `before` for the next (older) page; absent on the last. */
  next?: string;
}

const encodeCursor = (cursor: ConversationCursor) =>
  Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');

function decodeCursor(text: string): ConversationCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch {
    // Answered below: whatever it is, it is not a cursor this API gave.
  }
  throw new ValidationError('before is not a cursor this API gave (pass back `next` as it came)', [
    { path: 'before', message: 'invalid' },
  ]);
}

const newestFirst = (a: Conversation, b: Conversation) =>
  b.createdAt === a.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt);

/**
 * A customer's conversations, newest first, each with its transcript, a page at a time: on one
 * channel, or on every channel (the contact, found by their mobile number). Each channel is a read
 * of the customer's own partition, never a search across customers. An agent sees the
 * conversations of their queues and those they held; a page may then hold fewer than `limit`.
 */
export async function customerHistory(
  deps: CoreDeps,
  principal: Principal,
  input: {
    number: string;
    channelId?: string | undefined;
    before?: string | undefined;
    limit?: number | undefined;
  },
): Promise<HistoryPage> {
  const customer = parsePhoneNumber(input.number, 'number');
  const limit = input.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
    throw new ValidationError('limit is a whole number from 1 to 50', [
      { path: 'limit', message: 'out of range' },
    ]);
  }
  const before = input.before === undefined ? undefined : decodeCursor(input.before);
  const channels =
    input.channelId === undefined ? deps.directory.channels() : [deps.directory.channel(input.channelId)];

  let visible: (conversation: Conversation) => boolean = () => true;
  if (!oversees(principal)) {
    const agentId = actingAgent(principal, undefined);
    const agent = await deps.store.getAgent(agentId);
    if (!agent) throw new NotFoundError(`agent ${agentId} does not exist`);
    const queues = new Set(agent.value.queueIds);
    visible = (conversation) => queues.has(conversation.queueId) || conversation.agentId === agentId;
  }

  const perChannel = await Promise.all(
    channels.map((channel) =>
      deps.store.findCustomerConversations({
        channelId: channel.id,
        customer,
        limit,
        ...(before ? { before } : {}),
      }),
    ),
  );
  const merged = perChannel
    .flat()
    .map((stored) => stored.value)
    .sort(newestFirst);
  const page = merged.slice(0, limit);
  // Each channel gave its newest `limit` before the cursor, so the merged first `limit` are the
  // newest of all; there is more when any channel filled its page or the merge overflowed.
  const more = merged.length > limit || perChannel.some((found) => found.length === limit);
  const last = page.at(-1);
  const shown = page.filter(visible);
  const conversations = await Promise.all(
    shown.map(async (conversation) => ({
      conversation,
      messages: await deps.store.listMessages(conversation.id),
    })),
  );
  return {
    conversations,
    ...(more && last ? { next: encodeCursor({ createdAt: last.createdAt, id: last.id }) } : {}),
  };
}
