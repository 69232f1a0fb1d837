import type { PhoneNumber } from './phone.js';

/** How many recent inbound message ids a customer keeps for de-duplication. */
export const PROCESSED_IDS_KEPT = 100;

/**
 * What we know of one customer on one channel. It lives in the customer's partition and is the
 * single point of agreement for "which conversation is unclosed", so concurrent first messages
 * settle on one conversation through this record's ETag.
 */
export interface CustomerState {
  channelId: string;
  customer: PhoneNumber;
  openConversationId: string | null;
  /** Ids of inbound messages already stored, newest last; provider redeliveries are dropped here. */
  processedMessageIds: string[];
  optedOut: boolean;
  /** When consent last changed on this channel, and through what (a keyword, a provider's error). */
  consentChangedAt?: string;
  consentChangedVia?: string;
  /** The agent who last served this customer on this channel (for affinity later). */
  lastAgentId: string | null;
}

export function newCustomerState(channelId: string, customer: PhoneNumber): CustomerState {
  return {
    channelId,
    customer,
    openConversationId: null,
    processedMessageIds: [],
    optedOut: false,
    lastAgentId: null,
  };
}

export function rememberProcessed(state: CustomerState, messageId: string): CustomerState {
  const ids = [...state.processedMessageIds.filter((id) => id !== messageId), messageId];
  return { ...state, processedMessageIds: ids.slice(-PROCESSED_IDS_KEPT) };
}
