import type { App } from '../shared/app.js';
import { checkChannelCredentials } from '../shared/use-cases/check-credentials.js';
import { json, param, signedInFunction } from './http.js';

/**
 * Whether a channel's provider credentials work, and why not. Under `manage/` because the Functions
 * host keeps routes starting with `admin` for itself.
 */
export function channelCredentialsFunction(app: App) {
  return signedInFunction(app, {
    name: 'channelCredentials',
    route: 'manage/channels/{channelId}/credentials',
    methods: ['GET'],
    roles: ['admin'],
    handle: async (request) =>
      json(200, await checkChannelCredentials(app.deps, param(request, 'channelId'))),
  });
}
