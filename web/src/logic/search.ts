import type { ConversationState } from '../types.js';

/** What the search page's form holds, as typed (empty: no filter). */
export interface SearchForm {
  number: string;
  contact: string;
  caseNumber: string;
  from: string;
  to: string;
  queue: string;
  agent: string;
  state: string;
}

export const emptySearch: SearchForm = {
  number: '',
  contact: '',
  caseNumber: '',
  from: '',
  to: '',
  queue: '',
  agent: '',
  state: '',
};

/** One result of `GET search/conversations`. */
export interface ConversationHit {
  id: string;
  channelId: string;
  customer: string;
  customerName?: string;
  caseNumber?: string;
  queueId: string;
  agentId: string | null;
  state: ConversationState;
  createdAt: string;
  lastActivityAt: string;
  closedAt: string | null;
  wrapUp?: { code?: string; label?: string; note?: string; by: string; at: string };
}

export interface SearchAnswer {
  conversations: ConversationHit[];
  continuation?: string;
}

/**
 * The path of a search: each filter given, trimmed (the API refuses what is wrong, naming the
 * field), the page size, and the continuation for a next page. A `+` is encoded (%2B), or the
 * query string would read it as a space.
 */
export function searchPath(form: SearchForm, pageSize: number, continuation?: string): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    const trimmed = value.trim();
    if (trimmed !== '') query.set(name, trimmed);
  }
  query.set('pageSize', String(pageSize));
  if (continuation) query.set('continuation', continuation);
  return `search/conversations?${query.toString()}`;
}

/** The wrap-up as a result shows it: its label (or code), and the note after a dash. */
export function wrapUpText(hit: ConversationHit): string {
  const wrapUp = hit.wrapUp;
  if (!wrapUp) return '';
  const name = wrapUp.label ?? wrapUp.code ?? '';
  return wrapUp.note ? `${name}${name ? ' — ' : ''}${wrapUp.note}` : name;
}
