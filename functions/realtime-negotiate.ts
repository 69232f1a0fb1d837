import type { App } from '../shared/app.js';
import { NotFoundError } from '../shared/errors.js';
import { negotiateLive } from '../shared/use-cases/negotiate.js';
import { agentRoles, json, signedInFunction } from './http.js';

/** The signed-in person's live stream URL (local WebSocket or Azure Web PubSub), for their groups only. */
export function realtimeNegotiateFunction(app: App) {
  return signedInFunction(app, {
    name: 'realtimeNegotiate',
    route: 'realtime/negotiate',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const access = app.liveAccess;
      if (!access) throw new NotFoundError('live updates are not set up here (WEB_PUBSUB_ENDPOINT)');
      const { url, groups } = await negotiateLive(app.deps, access, principal, {
        origin: new URL(request.url).origin,
        phone: app.embedded !== undefined,
      });
      return json(200, { url, groups });
    },
  });
}
