import type { App } from '../shared/app.js';
import { putNumberDetails, removeNumber } from '../shared/use-cases/channel-numbers.js';
import { json, param, readBody } from './http.js';
import { adminFunction } from './manage.js';

/**
 * One of a channel's numbers: PUT replaces its details (`{"type"?, "description"?}`; what is left
 * out is unset); DELETE removes it (never the last: a channel needs one).
 */
export function manageChannelNumberFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannelNumber',
    route: 'manage/channels/{channelId}/numbers/{number}',
    handlers: {
      PUT: async (request) =>
        json(
          200,
          await putNumberDetails(
            app.deps,
            param(request, 'channelId'),
            param(request, 'number'),
            await readBody(request),
          ),
        ),
      DELETE: async (request) =>
        json(200, {
          channel: await removeNumber(app.deps, param(request, 'channelId'), param(request, 'number')),
        }),
    },
  });
}
