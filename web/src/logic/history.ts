import type { Conversation, HistoryEntry } from '../types.js';
import { dateTime } from './format.js';

/** How many of a customer's conversations the panel reads at a time. */
export const HISTORY_PAGE = 5;

/** The API path for a page of a customer's conversations, on every channel, older than `before`. */
export function historyPath(customer: string, before?: string): string {
  const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
  if (before) query.set('before', before);
  return `customers/${encodeURIComponent(customer)}/conversations?${query}`;
}

/** A page added to what the panel shows: each conversation once, newest first. */
export function addPage(shown: HistoryEntry[], page: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set(shown.map((entry) => entry.conversation.id));
  return [...shown, ...page.filter((entry) => !seen.has(entry.conversation.id))].sort((a, b) =>
    b.conversation.createdAt === a.conversation.createdAt
      ? b.conversation.id.localeCompare(a.conversation.id)
      : b.conversation.createdAt.localeCompare(a.conversation.createdAt),
  );
}

const stateWords: Record<Conversation['state'], string> = {
  open: 'In queue',
  active: 'Active',
  waiting: 'Set aside',
  'wrap-up': 'Wrap-up',
  closed: 'Closed',
};

/** One line of the history as the panel shows it: names where the page knows them, ids otherwise. */
export interface HistoryRow {
  id: string;
  date: string;
  caseNumber?: string;
  queue: string;
  agent: string;
  state: string;
  /** The wrap-up code's label as it was when chosen, else the code; empty without one. */
  wrapUp: string;
  note?: string;
}

export function historyRow(
  conversation: Conversation,
  names: { queues: { id: string; name: string }[]; agents: { id: string; name: string }[] },
): HistoryRow {
  const queue = names.queues.find((candidate) => candidate.id === conversation.queueId);
  // The agent who has it, or last had it (the store keeps them on a closed conversation).
  const agentId = conversation.agentId;
  const agent = agentId ? names.agents.find((candidate) => candidate.id === agentId) : undefined;
  return {
    id: conversation.id,
    date: dateTime(conversation.createdAt),
    ...(conversation.caseNumber ? { caseNumber: conversation.caseNumber } : {}),
    queue: queue?.name ?? conversation.queueId,
    agent: agent?.name ?? agentId ?? 'No agent',
    state: stateWords[conversation.state] ?? conversation.state,
    wrapUp: conversation.wrapUp?.label ?? conversation.wrapUp?.code ?? '',
    ...(conversation.wrapUp?.note ? { note: conversation.wrapUp.note } : {}),
  };
}
