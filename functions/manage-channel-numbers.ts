import type { App } from '../shared/app.js';
import { addNumber, listNumbers, numberDetails } from '../shared/use-cases/channel-numbers.js';
import { json, param, readBody } from './http.js';
import { adminFunction } from './manage.js';

/**
 * A channel's numbers with their details (type, description, the pace they send at); POST adds one
 * (E.164 or a short code, on no other channel): `{"number": "+1...", "type"?, "description"?}`.
 */
export function manageChannelNumbersFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannelNumbers',
    route: 'manage/channels/{channelId}/numbers',
    handlers: {
      GET: async (request) =>
        json(200, { numbers: await listNumbers(app.deps, param(request, 'channelId')) }),
      POST: async (request) => {
        const channel = await addNumber(app.deps, param(request, 'channelId'), await readBody(request));
        return json(200, { channel, numbers: numberDetails(app.deps, channel) });
      },
    },
  });
}
