import type { App } from '../shared/app.js';
import { parseSearchQuery, searchConversations } from '../shared/use-cases/conversation-search.js';
import { agentRoles, json, signedInFunction } from './http.js';

/**
 * A search of the conversations, any state, newest first, a page at a time
 * (`?number=&contact=&caseNumber=&from=&to=&queue=&agent=&state=&pageSize=&continuation=`):
 * the supervisor's search page. An agent searches what they may see.
 */
export function conversationSearchFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationSearch',
    route: 'search/conversations',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) => {
      // `code` is a function key (`?code=`), the host's and not a filter.
      const given = Object.fromEntries([...request.query.entries()].filter(([name]) => name !== 'code'));
      return json(200, await searchConversations(app.deps, principal, parseSearchQuery(given)));
    },
  });
}
