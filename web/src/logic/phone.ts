import type { OutboxEntry } from '../types.js';

/** A text the simulator's customer sent (kept in the tab: the API keeps no list of them). */
export interface SentText {
  from: string;
  to: string;
  text: string;
  at: string;
}

export interface PhoneItem {
  key: string;
  mine: boolean;
  text: string;
  at: string;
}

/**
 * One phone's conversation with one of our numbers, as the phone shows it: what the customer sent
 * and what that number sent back, in time order.
 */
export function phoneThread(input: {
  customer: string;
  support: string;
  sent: SentText[];
  outbox: OutboxEntry[];
}): PhoneItem[] {
  const mine = input.sent
    .filter((text) => text.from === input.customer && text.to === input.support)
    .map((text, index) => ({ key: `sent-${index}-${text.at}`, mine: true, text: text.text, at: text.at }));
  const theirs = input.outbox
    .filter((entry) => entry.to === input.customer && entry.from === input.support)
    .map((entry) => ({ key: entry.providerMessageId, mine: false, text: entry.text, at: entry.sentAt }));
  return [...mine, ...theirs].sort((a, b) => a.at.localeCompare(b.at));
}
