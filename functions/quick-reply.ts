import type { App } from '../shared/app.js';
import { deleteQuickReply, updateQuickReply } from '../shared/use-cases/quick-replies.js';
import { agentRoles, json, param, readBody, signedInFunction } from './http.js';

/** One quick reply: PUT replaces its name and texts, DELETE removes it (in a scope the caller may write). */
export function quickReplyFunction(app: App) {
  return signedInFunction(app, {
    name: 'quickReply',
    route: 'quick-replies/{scope}/{quickReplyId}',
    methods: ['PUT', 'DELETE'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const scope = param(request, 'scope');
      const id = param(request, 'quickReplyId');
      if (request.method === 'DELETE') {
        await deleteQuickReply(app.deps, principal, scope, id);
        return { status: 204 };
      }
      return json(200, {
        quickReply: await updateQuickReply(app.deps, principal, scope, id, await readBody(request)),
      });
    },
  });
}
