import type { App } from '../shared/app.js';
import { hoursSchema } from '../shared/domain/hours.js';
import { channelPartFunction } from './manage.js';

/** A channel's opening hours (weekly, in a time zone, with holidays and exceptions); DELETE: always open. */
export function manageChannelHoursFunction(app: App) {
  return channelPartFunction(app, {
    name: 'manageChannelHours',
    part: 'hours',
    schema: hoursSchema,
    read: (channel) => channel.hours,
    write: (channel, hours) => ({ ...channel, hours }),
    remove: ({ hours: _, ...channel }) => channel,
  });
}
