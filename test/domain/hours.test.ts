import { Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  hoursSchema,
  nextOpening,
  nextOpeningText,
  openMsBetween,
  opennessAt,
} from '../../shared/domain/hours.js';

const weekdays9to5 = { from: '09:00', to: '17:00' };
const newYork = hoursSchema.parse({
  timeZone: 'America/New_York',
  weekly: {
    mon: [weekdays9to5],
    tue: [weekdays9to5],
    wed: [weekdays9to5],
    thu: [weekdays9to5],
    fri: [weekdays9to5],
    sat: [
      { from: '10:00', to: '12:00' },
      { from: '13:00', to: '15:00' },
    ],
  },
  holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
  exceptions: [{ date: '2026-12-24', ranges: [{ from: '09:00', to: '12:00' }] }],
});
const london = hoursSchema.parse({
  timeZone: 'Europe/London',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '01:30', to: '23:00' }]]),
  ),
});

describe('opening hours', () => {
  it.each([
    ['a weekday inside hours (EST, UTC-5)', newYork, '2026-11-23T14:00:00Z', true],
    ['the opening minute', newYork, '2026-11-23T14:00:00Z', true],
    ['a minute before opening', newYork, '2026-11-23T13:59:00Z', false],
    ['the closing minute is closed', newYork, '2026-11-23T22:00:00Z', false],
    ['in summer the same local hours are UTC-4', newYork, '2026-07-06T13:30:00Z', true],
    ['Sunday has no hours', newYork, '2026-11-22T15:00:00Z', false],
    ['the Saturday lunch gap is closed', newYork, '2026-11-28T17:30:00Z', false],
    ['the Saturday afternoon range is open', newYork, '2026-11-28T18:30:00Z', true],
    ['the Christmas Eve exception closes at noon', newYork, '2026-12-24T17:30:00Z', false],
    ['the Christmas Eve morning is open', newYork, '2026-12-24T15:00:00Z', true],
    [
      'the day after the spring-forward change, 09:00 local is 13:00 UTC',
      newYork,
      '2026-03-09T13:00:00Z',
      true,
    ],
    ['London in winter (UTC)', london, '2026-01-05T01:30:00Z', true],
    ['London in summer (UTC+1): 01:30 local is 00:30 UTC', london, '2026-07-06T00:30:00Z', true],
    ['London a minute before 01:30 is closed', london, '2026-01-05T01:29:00Z', false],
  ])('%s', (_name, hours, at, open) => {
    expect(opennessAt(hours, new Date(at)).open).toBe(open);
  });

  it('names the holiday it is closed for', () => {
    expect(opennessAt(newYork, new Date('2026-12-25T15:00:00Z'))).toEqual({
      open: false,
      holiday: 'Christmas Day',
    });
  });

  it.each([
    [
      'Friday evening opens on Saturday 10:00 local',
      newYork,
      '2026-11-27T23:00:00Z',
      '2026-11-28T15:00:00.000Z',
    ],
    ['Saturday lunch opens at 13:00 local', newYork, '2026-11-28T17:30:00Z', '2026-11-28T18:00:00.000Z'],
    [
      'Christmas Eve afternoon skips Christmas Day',
      newYork,
      '2026-12-24T18:00:00Z',
      '2026-12-26T15:00:00.000Z',
    ],
    [
      'across the spring-forward weekend the offset changes',
      newYork,
      '2026-03-06T23:00:00Z',
      '2026-03-07T15:00:00.000Z',
    ],
    [
      'on the fall-back night in London the first 01:30 counts',
      london,
      '2026-10-25T00:00:00Z',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'at the opening instant itself, the next one',
      newYork,
      '2026-11-23T14:00:00Z',
      '2026-11-24T14:00:00.000Z',
    ],
  ])('%s', (_name, hours, at, expected) => {
    expect(nextOpening(hours, new Date(at))?.toISOString()).toBe(expected);
  });

  it('opens at the earliest range of a day, whatever order the ranges were given in', () => {
    const lateFirst = hoursSchema.parse({
      timeZone: 'UTC',
      weekly: {
        mon: [
          { from: '13:00', to: '15:00' },
          { from: '10:00', to: '12:00' },
          { from: '11:30', to: '12:30' },
        ],
      },
    });
    expect(nextOpening(lateFirst, new Date('2026-11-23T08:00:00Z'))?.toISOString()).toBe(
      '2026-11-23T10:00:00.000Z',
    );
  });

  it('looks four weeks ahead for the next opening, and no further', () => {
    const onlyOn = (date: string) =>
      hoursSchema.parse({ timeZone: 'UTC', weekly: {}, exceptions: [{ date, ranges: [weekdays9to5] }] });
    const monday = new Date('2026-11-23T12:00:00Z');
    expect(nextOpening(onlyOn('2026-12-21'), monday)?.toISOString()).toBe('2026-12-21T09:00:00.000Z');
    expect(nextOpening(onlyOn('2026-12-22'), monday)).toBeUndefined();
  });

  it('never opens with an empty week', () => {
    const never = hoursSchema.parse({ timeZone: 'UTC', weekly: {} });
    expect(opennessAt(never, new Date()).open).toBe(false);
    expect(nextOpening(never, new Date())).toBeUndefined();
  });

  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus', weekly: {} }],
    [
      'a range that ends before it starts',
      { timeZone: 'UTC', weekly: { mon: [{ from: '18:00', to: '09:00' }] } },
    ],
    ['a malformed time', { timeZone: 'UTC', weekly: { mon: [{ from: '9am', to: '17:00' }] } }],
    ['an empty range', { timeZone: 'UTC', weekly: { mon: [{ from: '09:00', to: '09:00' }] } }],
    [
      'a malformed holiday',
      { timeZone: 'UTC', weekly: {}, holidays: [{ date: '25/12/2026', name: 'Christmas' }] },
    ],
  ])('refuses %s', (_name, input) => {
    expect(hoursSchema.safeParse(input).success).toBe(false);
  });
});

describe('when the channel opens next, in words', () => {
  const mondayEvening = new Date('2026-11-23T23:00:00Z'); // 18:00 in New York
  const saturdayLunch = new Date('2026-11-28T17:30:00Z'); // 12:30 in New York

  it('reads as each shipped language says it', () => {
    expect(nextOpeningText(newYork, mondayEvening)).toBe('Tuesday 24 November at 09:00');
    expect(nextOpeningText(newYork, mondayEvening, 'fr')).toBe('mardi 24 novembre à 09:00');
    expect(nextOpeningText(newYork, mondayEvening, 'es')).toBe('el martes 24 de noviembre a las 09:00');
    expect(nextOpeningText(newYork, mondayEvening, 'de')).toBe('am Dienstag, 24. November, um 09:00 Uhr');
    expect(nextOpeningText(newYork, mondayEvening, 'it')).toBe('martedì 24 novembre alle 09:00');
    expect(nextOpeningText(newYork, mondayEvening, 'nl')).toBe('op dinsdag 24 november om 09:00');
  });

  it('in Portuguese, says "na" before a weekday and "no" before Saturday and Sunday', () => {
    expect(nextOpeningText(newYork, mondayEvening, 'pt-BR')).toBe('na terça-feira, 24 de novembro, às 09:00');
    expect(nextOpeningText(newYork, saturdayLunch, 'pt')).toBe('no sábado, 28 de novembro, às 13:00');
  });

  it('is in English for a language not shipped, and says soon when it never opens or has no hours', () => {
    expect(nextOpeningText(newYork, mondayEvening, 'ja')).toBe('Tuesday 24 November at 09:00');
    const never = hoursSchema.parse({ timeZone: 'UTC', weekly: {} });
    expect(nextOpeningText(never, mondayEvening, 'fr')).toBe('bientôt');
    expect(nextOpeningText(undefined, mondayEvening)).toBe('soon');
    expect(nextOpeningText(undefined, mondayEvening, 'ja')).toBe('soon');
  });

  it('is in English for a language not shipped even on a server whose default locale is another', () => {
    const serverLocale = Settings.defaultLocale;
    Settings.defaultLocale = 'fr';
    try {
      expect(nextOpeningText(newYork, mondayEvening, 'ja')).toBe('Tuesday 24 November at 09:00');
    } finally {
      Settings.defaultLocale = serverLocale;
    }
  });
});

describe('open time between two instants', () => {
  const allDay = hoursSchema.parse({ timeZone: 'UTC', weekly: { mon: [{ from: '22:00', to: '24:00' }] } });
  const hour = 3_600_000;

  it('counts only the opening hours, day by day', () => {
    const from = new Date('2026-11-23T12:00:00Z'); // Monday 07:00 in New York
    const to = new Date('2026-11-24T23:00:00Z'); // Tuesday 18:00
    expect(openMsBetween(newYork, from, to)).toBe(16 * hour);
    expect(openMsBetween(newYork, new Date('2026-11-23T15:00:00Z'), new Date('2026-11-23T16:30:00Z'))).toBe(
      1.5 * hour,
    );
  });

  it('counts a range to 24:00 up to midnight', () => {
    expect(openMsBetween(allDay, new Date('2026-11-23T00:00:00Z'), new Date('2026-11-25T00:00:00Z'))).toBe(
      2 * hour,
    );
  });

  it('counts nothing when closed, on a holiday, or when the end is not after the start', () => {
    expect(openMsBetween(newYork, new Date('2026-12-25T12:00:00Z'), new Date('2026-12-25T23:00:00Z'))).toBe(
      0,
    );
    expect(openMsBetween(newYork, new Date('2026-11-23T16:00:00Z'), new Date('2026-11-23T15:00:00Z'))).toBe(
      0,
    );
  });

  it('stops counting once it has enough', () => {
    const from = new Date('2026-11-23T12:00:00Z');
    const to = new Date('2026-11-26T23:00:00Z');
    expect(openMsBetween(newYork, from, to)).toBe(32 * hour);
    expect(openMsBetween(newYork, from, to, 1)).toBe(8 * hour);
    expect(openMsBetween(newYork, from, to, 8 * hour)).toBe(8 * hour);
  });

  it('counts ten years (3660 days) at most', () => {
    const always = hoursSchema.parse({
      timeZone: 'UTC',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '24:00' }]]),
      ),
    });
    const from = new Date('2010-01-01T00:00:00Z');
    expect(openMsBetween(always, from, new Date('2030-01-01T00:00:00Z'))).toBe(3660 * 24 * hour);
  });
});
