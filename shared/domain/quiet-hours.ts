import { getTimezonesForCountry } from 'countries-and-timezones';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { type Hours, nextOpening, opennessAt, weekdays } from './hours.js';
import { countryOf } from './phone.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM');

/** When notifications may reach people, in their own time zone. */
export const notificationWindowSchema = z
  .object({
    from: time.default('08:00'),
    to: time.default('21:00'),
    /** For numbers whose country spans several time zones (or none is known). */
    defaultTimeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone'),
  })
  .refine((w) => w.from < w.to, 'the window ends after it starts');
export type NotificationWindow = z.output<typeof notificationWindowSchema>;

/** The recipient's time zone: their country's when it has one, else the window's default. */
export function recipientTimeZone(number: string, window: NotificationWindow): string {
  // An unreadable number falls back to the default; the send will refuse it anyway.
  const country = countryOf(number);
  const zones = country ? getTimezonesForCountry(country) : undefined;
  return zones?.length === 1 && zones[0] ? zones[0].name : window.defaultTimeZone;
}

function asHours(window: NotificationWindow, timeZone: string): Hours {
  const range = [{ from: window.from, to: window.to }];
  return {
    timeZone,
    weekly: Object.fromEntries(weekdays.map((day) => [day, range])) as Hours['weekly'],
    holidays: [],
    exceptions: [],
  };
}

/**
 * When a message to this number may go, by its notification window: `at` itself inside the window
 * (held: false), else the window's next opening (held: true).
 */
export function allowedSendTime(
  number: string,
  window: NotificationWindow,
  at: Date,
): { at: Date; held: boolean } {
  const hours = asHours(window, recipientTimeZone(number, window));
  if (opennessAt(hours, at).open) return { at, held: false };
  return { at: nextOpening(hours, at) ?? at, held: true };
}
