import type { CounterName, GaugeName, HistogramName } from '../ports.js';

interface Described {
  description: string;
  unit: string;
}

/** What each figure means and its unit, as the exporters publish them (docs/operations.md). */
export const counters: Record<CounterName, Described> = {
  'sms.messages.received': {
    description: 'Customer messages stored, per channel and provider',
    unit: '{message}',
  },
  'sms.messages.sent': { description: 'Messages a provider accepted for sending', unit: '{message}' },
  'sms.delivery.failures': {
    description: 'Messages that did not reach the customer, by reason',
    unit: '{message}',
  },
  'sms.consent.changes': { description: 'Customers opting out of or back in to a channel', unit: '{change}' },
  'sms.assignments': { description: 'Conversations given to an agent, per queue', unit: '{assignment}' },
  'sms.auto_closes': {
    description: 'Conversations closed for inactivity, per channel',
    unit: '{conversation}',
  },
};

/**
 * Bucket bounds in milliseconds: a customer's message is stored in well under a second, while the
 * wait for an agent runs to minutes, so each histogram gets bounds that separate its usual values.
 */
const SUB_SECOND = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];
const MINUTES = [1000, 5000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

export const histograms: Record<HistogramName, Described & { buckets: number[] }> = {
  'sms.accept_to_stored': {
    description: 'From a customer message accepted at the webhook to stored in its conversation',
    unit: 'ms',
    buckets: SUB_SECOND,
  },
  'sms.accept_to_assigned': {
    description: "From a conversation's first message accepted to its first agent assignment",
    unit: 'ms',
    buckets: MINUTES,
  },
  'sms.first_reply_wait': {
    description: "From a conversation's opening to the first agent reply",
    unit: 'ms',
    buckets: MINUTES,
  },
};

export const gauges: Record<GaugeName, Described> = {
  'sms.queue.depth': { description: 'Conversations waiting in a queue for an agent', unit: '{conversation}' },
  'sms.queue.oldest_wait': { description: 'How long the oldest waiting conversation has waited', unit: 's' },
  'sms.work.dead_letters': { description: "Messages in a work queue's dead-letter queue", unit: '{message}' },
};
