import { z } from 'zod';
import type { App } from '../shared/app.js';
import { addNumber } from '../shared/use-cases/admin-configuration.js';
import { json, param, readJson } from './http.js';
import { adminFunction } from './manage.js';

const body = z.object({ number: z.string().min(1) });

/** Adds a number to a channel (E.164 or a short code; on no other channel). */
export function manageChannelNumbersFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannelNumbers',
    route: 'manage/channels/{channelId}/numbers',
    handlers: {
      POST: async (request) => {
        const { number } = await readJson(request, body);
        return json(200, { channel: await addNumber(app.deps, param(request, 'channelId'), number.trim()) });
      },
    },
  });
}
