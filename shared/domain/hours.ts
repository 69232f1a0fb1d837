import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { nameSchema } from './fields.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time is HH:MM (00:00 to 24:00)');
const range = z
  .object({ from: time, to: time })
  .refine((r) => r.from < r.to, 'a range ends after it starts (split ranges that cross midnight)');
const day = z.array(range).default([]);
const date = z.iso.date();

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Days the channel is closed all day, by name (the holiday answer says it). */
export const holidaysSchema = z.array(z.object({ date, name: nameSchema() })).max(366);

/** A channel's opening hours: a weekly schedule in a named time zone, with holidays and exceptions. */
export const hoursSchema = z.object({
  timeZone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (for example Europe/Paris)'),
  weekly: z.object(
    Object.fromEntries(weekdays.map((d) => [d, day])) as Record<(typeof weekdays)[number], typeof day>,
  ),
  /** Closed all day. */
  holidays: holidaysSchema.default([]),
  /** A date with other hours than its weekday's (an empty list closes it). */
  exceptions: z.array(z.object({ date, ranges: z.array(range) })).default([]),
});
export type Hours = z.output<typeof hoursSchema>;

export type Openness = { open: true } | { open: false; holiday: string | null };

function rangesOn(hours: Hours, local: DateTime): { from: string; to: string }[] | { holiday: string } {
  const iso = local.toISODate() ?? '';
  const holiday = hours.holidays.find((h) => h.date === iso);
  if (holiday) return { holiday: holiday.name };
  const exception = hours.exceptions.find((e) => e.date === iso);
  if (exception) return exception.ranges;
  return hours.weekly[weekdays[local.weekday - 1] ?? 'mon'];
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the channel is open at an instant, in its own time zone (daylight-saving changes included). */
export function opennessAt(hours: Hours, at: Date): Openness {
  const local = DateTime.fromJSDate(at, { zone: hours.timeZone });
  const ranges = rangesOn(hours, local);
  if (!Array.isArray(ranges)) return { open: false, holiday: ranges.holiday };
  const now = local.hour * 60 + local.minute;
  return ranges.some((r) => minutes(r.from) <= now && now < minutes(r.to))
    ? { open: true }
    : { open: false, holiday: null };
}

/** How each shipped language says when the channel opens next, to follow "we open again". */
const openingFormats: Record<string, { format: (at: DateTime) => string; soon: string }> = {
  en: { format: (at) => at.toFormat("cccc d LLLL 'at' HH:mm"), soon: 'soon' },
  fr: { format: (at) => at.toFormat("cccc d LLLL 'à' HH:mm"), soon: 'bientôt' },
  es: { format: (at) => at.toFormat("'el' cccc d 'de' LLLL 'a las' HH:mm"), soon: 'pronto' },
  de: { format: (at) => at.toFormat("'am' cccc, d. LLLL, 'um' HH:mm 'Uhr'"), soon: 'bald' },
  // Portuguese weekdays are feminine (na segunda-feira) except Saturday and Sunday (no sábado).
  pt: {
    format: (at) => `${at.weekday >= 6 ? 'no' : 'na'} ${at.toFormat("cccc, d 'de' LLLL, 'às' HH:mm")}`,
    soon: 'em breve',
  },
  it: { format: (at) => at.toFormat("cccc d LLLL 'alle' HH:mm"), soon: 'presto' },
  nl: { format: (at) => at.toFormat("'op' cccc d LLLL 'om' HH:mm"), soon: 'binnenkort' },
};

/**
 * When the channel opens next, in its own time zone and in the words of the given language
 * ("Monday 24 November at 09:00", "lundi 24 novembre à 09:00"); English for a language not shipped.
 */
export function nextOpeningText(hours: Hours | undefined, at: Date, language = 'en'): string {
  const primary = language.split('-')[0]?.toLowerCase() ?? 'en';
  const words = openingFormats[primary] ?? openingFormats.en;
  const locale = openingFormats[primary] ? language : 'en';
  const next = hours ? nextOpening(hours, at) : undefined;
  if (!words) return 'soon';
  return next && hours
    ? words.format(DateTime.fromJSDate(next, { zone: hours.timeZone }).setLocale(locale))
    : words.soon;
}

/** The next instant the channel opens after `at` (within four weeks), or undefined if it never does. */
export function nextOpening(hours: Hours, at: Date): Date | undefined {
  const start = DateTime.fromJSDate(at, { zone: hours.timeZone });
  for (let offset = 0; offset <= 28; offset++) {
    const local = start.startOf('day').plus({ days: offset });
    const ranges = rangesOn(hours, local);
    if (!Array.isArray(ranges)) continue;
    for (const r of [...ranges].sort((a, b) => minutes(a.from) - minutes(b.from))) {
      // A local time skipped by a daylight-saving jump resolves forward, as luxon does.
      const opening = local.set({ hour: Number(r.from.slice(0, 2)), minute: Number(r.from.slice(3, 5)) });
      if (opening.toMillis() > at.getTime()) return opening.toJSDate();
    }
  }
  return undefined;
}

/** The instant a local HH:MM (24:00: the next midnight) falls on the given local day. */
function instantOf(day: DateTime, hhmm: string): number {
  if (hhmm === '24:00') return day.plus({ days: 1 }).startOf('day').toMillis();
  // A local time skipped by a daylight-saving jump resolves forward, as luxon does.
  return day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }).toMillis();
}

/** How many days back an opening-time count looks at most (ten years: far past any limit). */
const MAX_DAYS_COUNTED = 3660;

/**
 * Milliseconds the channel is open between two instants, day by day in its own time zone, so a
 * daylight-saving night, a holiday or an exception counts as what it is. Stops counting once
 * `enough` is reached (the caller only asks whether a limit is passed).
 */
export function openMsBetween(hours: Hours, from: Date, to: Date, enough = Number.POSITIVE_INFINITY): number {
  const start = from.getTime();
  const end = to.getTime();
  let total = 0;
  let day = DateTime.fromJSDate(from, { zone: hours.timeZone }).startOf('day');
  for (let n = 0; n < MAX_DAYS_COUNTED && day.toMillis() < end && total < enough; n++) {
    const ranges = rangesOn(hours, day);
    if (Array.isArray(ranges)) {
      for (const r of ranges) {
        const opened = Math.max(instantOf(day, r.from), start);
        const closed = Math.min(instantOf(day, r.to), end);
        if (closed > opened) total += closed - opened;
      }
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  return total;
}
