import type { App } from '../shared/app.js';
import {
  deleteChannel,
  findChannelSettings,
  putChannel,
  readConfiguration,
} from '../shared/use-cases/admin-configuration.js';
import { json, param } from './http.js';
import { adminFunction, noContent, readPutBody } from './manage.js';

/** One channel: read, create or replace (PUT, the whole channel), remove when nothing is under way. */
export function manageChannelFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannel',
    route: 'manage/channels/{channelId}',
    handlers: {
      GET: async (request) =>
        json(200, {
          channel: findChannelSettings(
            (await readConfiguration(app.deps)).value,
            param(request, 'channelId'),
          ),
        }),
      PUT: async (request) => {
        return json(200, {
          channel: await putChannel(
            app.deps,
            param(request, 'channelId'),
            await readPutBody(request, 'channel'),
          ),
        });
      },
      DELETE: async (request) => {
        await deleteChannel(app.deps, param(request, 'channelId'));
        return noContent();
      },
    },
  });
}
