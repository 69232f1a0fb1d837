import { describe, expect, it } from 'vitest';
import {
  allowedSendTime,
  notificationWindowSchema,
  recipientTimeZone,
} from '../../shared/domain/quiet-hours.js';

const window = notificationWindowSchema.parse({ defaultTimeZone: 'America/New_York' });

describe('quiet hours for notifications', () => {
  it.each([
    ['a country with one time zone uses it', '+442079460958', 'Europe/London'],
    ['a country with several uses the default', '+14255550123', 'America/New_York'],
    ['an unparseable number uses the default', 'nonsense', 'America/New_York'],
    ['a number of no country (international freephone) uses the default', '+80012345678', 'America/New_York'],
  ])('%s', (_name, number, zone) => {
    expect(recipientTimeZone(number, window)).toBe(zone);
  });

  it.each([
    [
      'inside the window, in the recipient zone, it goes now',
      '+442079460958',
      '2026-11-23T12:00:00Z',
      false,
      '2026-11-23T12:00:00.000Z',
    ],
    [
      'late evening in London waits for 08:00 London',
      '+442079460958',
      '2026-11-23T22:30:00Z',
      true,
      '2026-11-24T08:00:00.000Z',
    ],
    [
      'early morning in New York waits for 08:00 New York',
      '+14255550123',
      '2026-11-23T10:00:00Z',
      true,
      '2026-11-23T13:00:00.000Z',
    ],
    [
      'the same instant is fine in London',
      '+442079460958',
      '2026-11-23T10:00:00Z',
      false,
      '2026-11-23T10:00:00.000Z',
    ],
  ])('%s', (_name, number, at, held, expected) => {
    const slot = allowedSendTime(number, window, new Date(at));
    expect({ held: slot.held, at: slot.at.toISOString() }).toEqual({ held, at: expected });
  });

  it('refuses a window that ends before it starts, an empty window, or an unknown zone', () => {
    expect(
      notificationWindowSchema.safeParse({ from: '21:00', to: '08:00', defaultTimeZone: 'UTC' }).success,
    ).toBe(false);
    expect(
      notificationWindowSchema.safeParse({ from: '08:00', to: '08:00', defaultTimeZone: 'UTC' }).success,
    ).toBe(false);
    expect(notificationWindowSchema.safeParse({ defaultTimeZone: 'Atlantis/Capital' }).success).toBe(false);
  });
});
