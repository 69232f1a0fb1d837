import { countMessage } from './counter.js';

/** A quick reply as the API offers it for one conversation: already filled for it. */
export interface OfferedQuickReply {
  id: string;
  scope: 'organization' | 'personal';
  name: string;
  language: string;
  text: string;
}

/**
 * The composer's text once a quick reply is picked: the reply alone in an empty box, else after
 * what the agent wrote, separated by one space (or kept on its own line when the draft ends with
 * one). The agent may still edit it; nothing is sent by picking.
 */
export function applyQuickReply(draft: string, reply: Pick<OfferedQuickReply, 'text'>): string {
  if (draft.trim() === '') return reply.text;
  if (/\s$/.test(draft)) return `${draft}${reply.text}`;
  return `${draft} ${reply.text}`;
}

/** Whether picking it would leave the text over the message limit (the picker says so). */
export function overLimitWith(draft: string, reply: Pick<OfferedQuickReply, 'text'>): boolean {
  return countMessage(applyQuickReply(draft, reply)).over;
}

/**
 * The replies matching what the agent typed in the picker (name or text, any case, accents
 * ignored), the agent's own first as the API lists them.
 */
export function filterQuickReplies(replies: OfferedQuickReply[], query: string): OfferedQuickReply[] {
  const fold = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const wanted = fold(query.trim());
  if (wanted === '') return replies;
  return replies.filter((reply) => fold(reply.name).includes(wanted) || fold(reply.text).includes(wanted));
}

/** The label a picker shows: the name, marked when it is the agent's own. */
export function quickReplyLabel(reply: Pick<OfferedQuickReply, 'name' | 'scope'>): string {
  return reply.scope === 'personal' ? `${reply.name} (mine)` : reply.name;
}
