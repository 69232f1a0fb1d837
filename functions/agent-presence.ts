import { z } from 'zod';
import type { App } from '../shared/app.js';
import { presences } from '../shared/domain/agent.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { setPresence } from '../shared/use-cases/conversations.js';
import { agentRoles, json, param, readJson, signedInFunction } from './http.js';

const body = z.object({ presence: z.enum(presences) });

export function agentPresenceFunction(app: App) {
  return signedInFunction(app, {
    name: 'agentPresence',
    route: 'agents/{agentId}/presence',
    methods: ['PUT'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const { presence } = await readJson(request, body);
      const agent = await setPresence(app.deps, actingAgent(principal, param(request, 'agentId')), presence);
      return json(200, { agent });
    },
  });
}
