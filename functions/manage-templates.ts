import type { App } from '../shared/app.js';
import { listTemplates } from '../shared/use-cases/admin-templates.js';
import { json } from './http.js';
import { adminFunction } from './manage.js';

export function manageTemplatesFunction(app: App) {
  return adminFunction(app, {
    name: 'manageTemplates',
    route: 'manage/templates',
    handlers: { GET: async () => json(200, { templates: await listTemplates(app.deps) }) },
  });
}
