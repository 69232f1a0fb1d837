import type { App } from '../shared/app.js';
import { customerHistory } from '../shared/use-cases/customer-history.js';
import { agentRoles, json, param, signedInFunction } from './http.js';

/**
 * A customer's conversations with their transcripts, newest first, a page at a time
 * (`?channelId=&before=&limit=`): the workspace's customer panel and a supervisor's look-up.
 */
export function customerHistoryFunction(app: App) {
  return signedInFunction(app, {
    name: 'customerHistory',
    route: 'customers/{number}/conversations',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const limit = request.query.get('limit');
      return json(
        200,
        await customerHistory(app.deps, principal, {
          number: param(request, 'number'),
          channelId: request.query.get('channelId') || undefined,
          before: request.query.get('before') || undefined,
          limit: limit ? Number(limit) : undefined,
        }),
      );
    },
  });
}
