import { z } from 'zod';
import type { App } from '../shared/app.js';
import { markRead } from '../shared/use-cases/workspace.js';
import { agentRoles, param, readJson, signedInFunction } from './http.js';

const body = z.object({ seq: z.number().int().min(0).optional() });

/** The signed-in agent has read the conversation up to `seq` (the last message when absent). */
export function conversationReadFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationRead',
    route: 'conversations/{conversationId}/read',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const { seq } = await readJson(request, body);
      await markRead(app.deps, principal, param(request, 'conversationId'), seq);
      return { status: 204 };
    },
  });
}
