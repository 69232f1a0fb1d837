import type { App } from '../shared/app.js';
import { holidaysSchema } from '../shared/domain/hours.js';
import { ValidationError } from '../shared/errors.js';
import { channelPartFunction } from './manage.js';

/** A channel's holidays (closed all day), kept with its opening hours. */
export function manageChannelHolidaysFunction(app: App) {
  return channelPartFunction(app, {
    name: 'manageChannelHolidays',
    part: 'holidays',
    schema: holidaysSchema,
    read: (channel) => channel.hours?.holidays ?? [],
    write: (channel, holidays) => {
      if (!channel.hours) {
        throw new ValidationError(
          `channel ${channel.id} has no opening hours; set them first (holidays belong to them)`,
        );
      }
      return { ...channel, hours: { ...channel.hours, holidays } };
    },
  });
}
