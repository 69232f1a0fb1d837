import type { App } from '../shared/app.js';
import { deleteContact, getContact, putContact } from '../shared/use-cases/admin-contacts.js';
import { consentByChannel } from '../shared/use-cases/workspace.js';
import { json, param } from './http.js';
import { adminFunction, noContent, readPutBody } from './manage.js';

/** One contact, found by mobile number (E.164, `%2B` for the +): name, language, attributes. */
export function manageContactFunction(app: App) {
  return adminFunction(app, {
    name: 'manageContact',
    route: 'manage/contacts/{number}',
    handlers: {
      GET: async (request) => {
        const contact = await getContact(app.deps, param(request, 'number'));
        return json(200, { contact, consent: await consentByChannel(app.deps, contact.number) });
      },
      PUT: async (request) =>
        json(200, {
          contact: await putContact(
            app.deps,
            param(request, 'number'),
            await readPutBody(request, 'contact'),
          ),
        }),
      DELETE: async (request) => {
        await deleteContact(app.deps, param(request, 'number'));
        return noContent();
      },
    },
  });
}
