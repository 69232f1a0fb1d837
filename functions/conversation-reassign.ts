import { z } from 'zod';
import type { App } from '../shared/app.js';
import { reassign } from '../shared/use-cases/work-distribution.js';
import { json, param, readJson, signedInFunction } from './http.js';

const body = z.union([
  z.object({ toQueueId: z.string().min(1) }).strict(),
  z.object({ toAgentId: z.string().min(1) }).strict(),
]);

/**
 * A supervisor reassigns a conversation under way (in a queue, active or set aside) to a queue or
 * to an agent available with room, in their own name: unlike a transfer, nobody needs to hold it.
 */
export function conversationReassignFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationReassign',
    route: 'conversations/{conversationId}/reassign',
    methods: ['POST'],
    roles: ['supervisor', 'admin'],
    handle: async (request, principal) => {
      const input = await readJson(request, body);
      const conversation = await reassign(app.deps, {
        conversationId: param(request, 'conversationId'),
        userId: principal.userId,
        ...input,
      });
      return json(200, { conversation });
    },
  });
}
