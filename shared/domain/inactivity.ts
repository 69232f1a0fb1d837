import { z } from 'zod';
import type { Conversation, UnclosedState } from './conversation.js';
import { type Hours, openMsBetween } from './hours.js';

const limit = z.number().int().positive().nullable().optional();

/** What an admin may set: minutes per state, null for never; an absent state takes its default. */
export const inactivityLimitsSchema = z.object({
  open: limit,
  active: limit,
  waiting: limit,
  'wrap-up': limit,
});
export type InactivityLimitsInput = z.output<typeof inactivityLimitsSchema>;

/** Minutes without activity before auto-close, per state; null: the timer never closes it. */
export type InactivityLimits = Record<UnclosedState, number | null>;

/**
 * Whose move it is in each state. Open (in a queue, or kept for the opening) and active (an agent
 * holds it) wait on the center, which works only while it is open: their clock runs in opening
 * hours. Waiting (set aside for the customer) and wrap-up (the agent's notes after the customer
 * heard goodbye) run on the wall clock.
 */
export const waitsOnCenter: Record<UnclosedState, boolean> = {
  open: true,
  active: true,
  waiting: false,
  'wrap-up': false,
};

/**
 * The limits a channel gets when it sets none, after Dynamics 365's per-state settings, adjusted
 * so waiting work is never dropped: open never (a customer waiting for an agent or for the
 * opening is the center's debt; Dynamics closes SMS after 30 days), active and waiting the
 * channel's `autoCloseMinutes` (the deployment default otherwise; Dynamics sets waiting per work
 * stream), wrap-up one day (as Dynamics does for SMS).
 */
export function resolveInactivityLimits(
  input: InactivityLimitsInput | undefined,
  idleMinutes: number,
  wrapUpMinutes: number,
): InactivityLimits {
  const pick = (value: number | null | undefined, fallback: number | null) =>
    value === undefined ? fallback : value;
  return {
    open: pick(input?.open, null),
    active: pick(input?.active, idleMinutes),
    waiting: pick(input?.waiting, idleMinutes),
    'wrap-up': pick(input?.['wrap-up'], wrapUpMinutes),
  };
}

/** Since when nothing happened: the last message either way, or the last change of state. */
export function inactiveSince(conversation: Conversation): string {
  const changed = conversation.history.at(-1)?.at ?? conversation.createdAt;
  return new Date(Math.max(Date.parse(changed), Date.parse(conversation.lastActivityAt))).toISOString();
}

export interface InactivityVerdict {
  state: UnclosedState;
  limitMinutes: number;
  /** Only opening hours counted (the channel has hours and the state waits on the center). */
  openingHoursOnly: boolean;
}

/**
 * Whether the conversation has been inactive past its state's limit at `now`, counting only the
 * channel's opening hours for the states that wait on the center. Undefined: it stays.
 */
export function inactivityExpired(
  conversation: Conversation,
  channel: { autoClose: InactivityLimits; hours?: Hours | undefined },
  now: Date,
): InactivityVerdict | undefined {
  if (conversation.state === 'closed') return undefined;
  const state = conversation.state;
  const limitMinutes = channel.autoClose[state];
  if (limitMinutes === null) return undefined;
  const limitMs = limitMinutes * 60_000;
  const since = new Date(inactiveSince(conversation));
  const hours = waitsOnCenter[state] ? channel.hours : undefined;
  const counted = hours ? openMsBetween(hours, since, now, limitMs + 1) : now.getTime() - since.getTime();
  return counted > limitMs ? { state, limitMinutes, openingHoursOnly: hours !== undefined } : undefined;
}
