import type { App } from '../shared/app.js';
import { defaultAutomatedTexts } from '../shared/domain/automated-messages.js';
import { findChannelSettings, readConfiguration } from '../shared/use-cases/admin-configuration.js';
import { json, param } from './http.js';
import { adminFunction } from './manage.js';

/** A channel's automated messages: each on or off, with its texts (or the default one). */
export function manageChannelMessagesFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannelMessages',
    route: 'manage/channels/{channelId}/automated-messages',
    handlers: {
      GET: async (request) => {
        const channel = findChannelSettings(
          (await readConfiguration(app.deps)).value,
          param(request, 'channelId'),
        );
        return json(200, { automatedMessages: channel.automatedMessages, defaults: defaultAutomatedTexts });
      },
    },
  });
}
