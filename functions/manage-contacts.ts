import type { App } from '../shared/app.js';
import { listContacts } from '../shared/use-cases/admin-contacts.js';
import { json } from './http.js';
import { adminFunction } from './manage.js';

/** Contacts in number order, a page at a time (`?after=<last number>&limit=100`). */
export function manageContactsFunction(app: App) {
  return adminFunction(app, {
    name: 'manageContacts',
    route: 'manage/contacts',
    handlers: {
      GET: async (request) => {
        const limit = request.query.get('limit');
        const page = await listContacts(app.deps, {
          after: request.query.get('after') ?? undefined,
          limit: limit === null ? undefined : Number(limit),
        });
        return json(200, page);
      },
    },
  });
}
