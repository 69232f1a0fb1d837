import type { App } from '../shared/app.js';
import { createQuickReply, listQuickReplies } from '../shared/use-cases/quick-replies.js';
import { agentRoles, json, readBody, signedInFunction } from './http.js';

/**
 * Quick replies: GET the organization's and the caller's own; POST `{scope, name, texts,
 * defaultLanguage?}` creates one (organization: admins; personal: the agent themselves).
 */
export function quickRepliesFunction(app: App) {
  return signedInFunction(app, {
    name: 'quickReplies',
    route: 'quick-replies',
    methods: ['GET', 'POST'],
    roles: agentRoles,
    handle: async (request, principal) =>
      request.method === 'POST'
        ? json(201, { quickReply: await createQuickReply(app.deps, principal, await readBody(request)) })
        : json(200, await listQuickReplies(app.deps, principal)),
  });
}
