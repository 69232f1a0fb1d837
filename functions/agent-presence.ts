import { z } from 'zod';
import type { App } from '../shared/app.js';
import { presences } from '../shared/domain/agent.js';
import { setPresence } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.object({ presence: z.enum(presences) });

export function agentPresenceFunction(app: App) {
  return httpFunction({
    name: 'agentPresence',
    route: 'agents/{agentId}/presence',
    methods: ['PUT'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const { presence } = await readJson(request, body);
      const agent = await setPresence(app.deps, param(request, 'agentId'), presence);
      return json(200, { agent });
    },
  });
}
