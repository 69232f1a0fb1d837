import { describe, expect, it } from 'vitest';
import { hoursSchema } from '../../shared/domain/hours.js';
import {
  type InactivityLimits,
  inactiveSince,
  inactivityExpired,
  inactivityLimitsSchema,
  resolveInactivityLimits,
  waitsOnCenter,
} from '../../shared/domain/inactivity.js';
import { aConversation } from '../support/builders.js';

const limits: InactivityLimits = { open: null, active: 30, waiting: 60, 'wrap-up': 1440 };
const at = (iso: string) => new Date(iso);
const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

/** Monday to Friday 09:00-17:00 in Paris (23 November 2026 is a Monday; UTC+1). */
const parisOffice = hoursSchema.parse({
  timeZone: 'Europe/Paris',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [{ from: '09:00', to: '17:00' }]]),
  ),
});

describe('the inactivity limits of a channel', () => {
  it('by default never close open work, close active and waiting after the idle minutes, wrap-up after its own', () => {
    expect(resolveInactivityLimits(undefined, 30, 1440)).toEqual({
      open: null,
      active: 30,
      waiting: 30,
      'wrap-up': 1440,
    });
  });

  it('take what the admin set, null for never, and the default for each state left out', () => {
    const input = inactivityLimitsSchema.parse({ open: 2880, active: null, waiting: 120 });
    expect(resolveInactivityLimits(input, 30, 1440)).toEqual({
      open: 2880,
      active: null,
      waiting: 120,
      'wrap-up': 1440,
    });
    expect(resolveInactivityLimits(inactivityLimitsSchema.parse({ 'wrap-up': 15 }), 30, 1440)).toEqual({
      open: null,
      active: 30,
      waiting: 30,
      'wrap-up': 15,
    });
  });

  it('run in opening hours for open and active work, on the wall clock for waiting and wrap-up', () => {
    expect(waitsOnCenter).toEqual({ open: true, active: true, waiting: false, 'wrap-up': false });
  });
});

describe('since when a conversation has been inactive', () => {
  it('since its last message when that came after its last change of state', () => {
    const conversation = aConversation({ lastActivityAt: '2026-11-23T09:20:00.000Z' });
    expect(inactiveSince(conversation)).toBe('2026-11-23T09:20:00.000Z');
  });

  it('since its last change of state when that came later', () => {
    const conversation = aConversation({
      lastActivityAt: '2026-11-23T09:20:00.000Z',
      history: [
        { from: null, to: 'open', at: '2026-11-23T09:00:00.000Z', by: 'system', reason: 'inbound' },
        { from: 'open', to: 'active', at: '2026-11-23T09:45:00.000Z', by: 'system', reason: 'assigned' },
      ],
    });
    expect(inactiveSince(conversation)).toBe('2026-11-23T09:45:00.000Z');
  });

  it('since its latest change of state, of several', () => {
    const conversation = aConversation({
      lastActivityAt: '2026-11-23T09:00:00.000Z',
      history: [
        { from: null, to: 'open', at: '2026-11-23T09:00:00.000Z', by: 'system', reason: 'inbound' },
        { from: 'open', to: 'active', at: '2026-11-23T09:05:00.000Z', by: 'system', reason: 'assigned' },
        {
          from: 'active',
          to: 'waiting',
          at: '2026-11-23T09:50:00.000Z',
          by: 'agent:alice',
          reason: 'set aside',
        },
      ],
    });
    expect(inactiveSince(conversation)).toBe('2026-11-23T09:50:00.000Z');
  });

  it('since it was created when it has no history', () => {
    const conversation = aConversation({
      createdAt: '2026-11-23T09:30:00.000Z',
      lastActivityAt: '2026-11-23T09:00:00.000Z',
      history: [],
    });
    expect(inactiveSince(conversation)).toBe('2026-11-23T09:30:00.000Z');
  });
});

describe('whether a conversation has been inactive past its limit', () => {
  const LAST = '2026-11-23T09:00:00.000Z';
  const idle = (state: 'open' | 'active' | 'waiting' | 'wrap-up' | 'closed') =>
    aConversation({ state, agentId: 'alice', createdAt: LAST, lastActivityAt: LAST, history: [] });

  it('is not at its limit, and is one millisecond after', () => {
    const channel = { autoClose: limits };
    expect(inactivityExpired(idle('active'), channel, minutesAfter(LAST, 30))).toBeUndefined();
    expect(
      inactivityExpired(idle('active'), channel, new Date(minutesAfter(LAST, 30).getTime() + 1)),
    ).toEqual({
      state: 'active',
      limitMinutes: 30,
      openingHoursOnly: false,
    });
  });

  it('each state has its own limit', () => {
    const channel = { autoClose: limits };
    expect(inactivityExpired(idle('waiting'), channel, minutesAfter(LAST, 45))).toBeUndefined();
    expect(inactivityExpired(idle('waiting'), channel, minutesAfter(LAST, 61))).toMatchObject({
      state: 'waiting',
      limitMinutes: 60,
    });
  });

  it('never for a state whose limit is null, nor for a closed conversation', () => {
    const channel = { autoClose: limits };
    expect(inactivityExpired(idle('open'), channel, minutesAfter(LAST, 100_000))).toBeUndefined();
    expect(inactivityExpired(idle('closed'), channel, minutesAfter(LAST, 100_000))).toBeUndefined();
  });

  it('counts only opening hours for active work on a channel with hours', () => {
    const channel = { autoClose: limits, hours: parisOffice };
    // Friday 16:50 Paris; the office closes at 17:00 and opens again Monday 09:00.
    const friday = '2026-11-27T15:50:00.000Z';
    const conversation = aConversation({
      state: 'active',
      agentId: 'alice',
      createdAt: friday,
      lastActivityAt: friday,
      history: [],
    });
    expect(inactivityExpired(conversation, channel, at('2026-11-30T08:15:00.000Z'))).toBeUndefined();
    expect(inactivityExpired(conversation, channel, at('2026-11-30T08:21:00.000Z'))).toEqual({
      state: 'active',
      limitMinutes: 30,
      openingHoursOnly: true,
    });
  });

  it('closes active work past its limit in the next opening, when the limit ran out exactly at closing time', () => {
    const channel = { autoClose: { ...limits, active: 10 }, hours: parisOffice };
    // Friday 16:50 Paris: the 10 minutes to 17:00 are the whole limit, then nothing until Monday 09:00.
    const friday = '2026-11-27T15:50:00.000Z';
    const conversation = aConversation({
      state: 'active',
      agentId: 'alice',
      createdAt: friday,
      lastActivityAt: friday,
      history: [],
    });
    expect(inactivityExpired(conversation, channel, at('2026-11-30T08:00:00.000Z'))).toBeUndefined();
    expect(inactivityExpired(conversation, channel, at('2026-11-30T08:00:01.000Z'))).toEqual({
      state: 'active',
      limitMinutes: 10,
      openingHoursOnly: true,
    });
  });

  it('counts the wall clock for waiting work, hours or not', () => {
    const channel = { autoClose: limits, hours: parisOffice };
    const friday = '2026-11-27T15:50:00.000Z';
    const conversation = aConversation({
      state: 'waiting',
      agentId: 'alice',
      createdAt: friday,
      lastActivityAt: friday,
      history: [],
    });
    expect(inactivityExpired(conversation, channel, minutesAfter(friday, 61))).toEqual({
      state: 'waiting',
      limitMinutes: 60,
      openingHoursOnly: false,
    });
  });
});
