import type { App } from '../shared/app.js';
import { quickRepliesForConversation } from '../shared/use-cases/quick-replies.js';
import { agentRoles, json, param, signedInFunction } from './http.js';

/** The quick replies the composer offers for a conversation, filled for it (the caller's own first). */
export function conversationQuickRepliesFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationQuickReplies',
    route: 'conversations/{conversationId}/quick-replies',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) =>
      json(200, {
        quickReplies: await quickRepliesForConversation(
          app.deps,
          principal,
          param(request, 'conversationId'),
        ),
      }),
  });
}
