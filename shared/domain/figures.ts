import type { Conversation } from './conversation.js';
import { countWrapUpCodes } from './wrap-up.js';

/** The service level target when a queue sets none: answered within a minute. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 60;

/** A day's figures for one queue or one channel, as a supervisor reads them. */
export interface Figures {
  /** Conversations customers opened that day (agent-started ones and consent keywords are not). */
  received: number;
  /** Of those, how many an agent replied to. */
  answered: number;
  /** Of those, how many auto-close ended before any agent replied. */
  autoClosedUnanswered: number;
  /** Wait from the customer's first message to the first agent reply; null when none answered. */
  averageWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  /** From the first assignment to the close, over closed conversations an agent had. */
  averageHandleSeconds: number | null;
  /**
   * The share of received conversations answered within the target; null when none were received.
   * targetSeconds is null for a channel whose conversations went to queues with different targets.
   */
  serviceLevel: { targetSeconds: number | null; share: number | null };
  /** How many of the day's conversations ended with each wrap-up code (agent-started ones too). */
  wrapUpCodes: Record<string, number>;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const round = (value: number) => Math.round(value * 10) / 10;

/** Whether a customer opened this conversation (not an agent, not a keyword's consent trail). */
export function receivedFromCustomer(conversation: Conversation): boolean {
  const [first] = conversation.history;
  return (
    first?.by === 'customer' &&
    first.to === 'open' &&
    !conversation.history.some((t) => t.to === 'closed' && t.reason === 'consent keyword')
  );
}

/** Seconds the customer waited for an agent's first reply, when one came. */
export function waitSeconds(conversation: Conversation): number | undefined {
  return conversation.firstAgentReplyAt === undefined
    ? undefined
    : Math.max(0, seconds(conversation.createdAt, conversation.firstAgentReplyAt));
}

function autoClosedUnanswered(conversation: Conversation): boolean {
  return (
    conversation.firstAgentReplyAt === undefined &&
    conversation.history.some(
      (t) => t.to === 'closed' && t.by === 'system' && t.reason.startsWith('auto-close'),
    )
  );
}

function handleSeconds(conversation: Conversation): number | undefined {
  const assigned = conversation.history.find((t) => t.to === 'active');
  if (!assigned || conversation.closedAt === null) return undefined;
  return Math.max(0, seconds(assigned.at, conversation.closedAt));
}

/** The nearest-rank percentile: the smallest value at least `p` of the values do not exceed. */
export function percentile(values: number[], p: number): number | null {
  // No values: the rank below is 0 and finds nothing, so the answer is null.
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

const average = (values: number[]) =>
  values.length === 0 ? null : round(values.reduce((sum, v) => sum + v, 0) / values.length);

/**
 * Figures over a set of conversations, from what each one recorded: its transitions (assigned,
 * closed and why), when it was created and when an agent first replied. `targetOf` gives the
 * service level target of a conversation's queue.
 */
export function computeFigures(
  conversations: Conversation[],
  targetOf: (conversation: Conversation) => number,
): Figures {
  const received = conversations.filter(receivedFromCustomer);
  const waits = received.flatMap((c) => {
    const wait = waitSeconds(c);
    return wait === undefined ? [] : [wait];
  });
  const handles = received.flatMap((c) => {
    const handle = handleSeconds(c);
    return handle === undefined ? [] : [handle];
  });
  const withinTarget = received.filter((c) => {
    const wait = waitSeconds(c);
    return wait !== undefined && wait <= targetOf(c);
  }).length;
  const targets = new Set(received.map(targetOf));
  const p90 = percentile(waits, 0.9);
  return {
    received: received.length,
    answered: waits.length,
    autoClosedUnanswered: received.filter(autoClosedUnanswered).length,
    averageWaitSeconds: average(waits),
    p90WaitSeconds: p90 === null ? null : round(p90),
    averageHandleSeconds: average(handles),
    serviceLevel: {
      targetSeconds: targets.size === 1 ? ([...targets][0] ?? null) : null,
      share: received.length === 0 ? null : Math.round((withinTarget / received.length) * 1000) / 1000,
    },
    wrapUpCodes: countWrapUpCodes(conversations),
  };
}
