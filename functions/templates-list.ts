import type { App } from '../shared/app.js';
import { templateChoices } from '../shared/use-cases/admin-templates.js';
import { json, signedInFunction } from './http.js';

/** The templates a notification can send, for a flow's template picker (read only; admins edit them). */
export function templatesListFunction(app: App) {
  return signedInFunction(app, {
    name: 'templatesList',
    route: 'templates',
    methods: ['GET'],
    roles: ['notifier', 'supervisor', 'admin'],
    handle: async () => json(200, { templates: await templateChoices(app.deps) }),
  });
}
