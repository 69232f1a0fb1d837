import type { App } from '../shared/app.js';
import { removeNumber } from '../shared/use-cases/admin-configuration.js';
import { json, param } from './http.js';
import { adminFunction } from './manage.js';

/** Removes a number from a channel (never its last: a channel needs one). */
export function manageChannelNumberFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannelNumber',
    route: 'manage/channels/{channelId}/numbers/{number}',
    handlers: {
      DELETE: async (request) =>
        json(200, {
          channel: await removeNumber(app.deps, param(request, 'channelId'), param(request, 'number')),
        }),
    },
  });
}
