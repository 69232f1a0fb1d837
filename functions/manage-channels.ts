import type { App } from '../shared/app.js';
import { readConfiguration } from '../shared/use-cases/admin-configuration.js';
import { json } from './http.js';
import { adminFunction } from './manage.js';

export function manageChannelsFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannels',
    route: 'manage/channels',
    handlers: {
      GET: async () => json(200, { channels: (await readConfiguration(app.deps)).value.channels }),
    },
  });
}
