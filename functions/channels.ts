import type { App } from '../shared/app.js';
import { channelsToStart } from '../shared/use-cases/channels-to-start.js';
import { agentRoles, json, signedInFunction } from './http.js';

/** The channels the caller may start a conversation on (the "new conversation" dialog's list). */
export function channelsFunction(app: App) {
  return signedInFunction(app, {
    name: 'channels',
    route: 'channels',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (_request, principal) =>
      json(200, { channels: await channelsToStart(app.deps, principal) }),
  });
}
