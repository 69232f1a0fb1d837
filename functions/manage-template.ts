import type { App } from '../shared/app.js';
import { deleteTemplate, getTemplate, saveTemplate } from '../shared/use-cases/admin-templates.js';
import { json, param, readBody } from './http.js';
import { adminFunction, noContent } from './manage.js';

/** One template with its versions; PUT saves a new version (texts by language, variables checked). */
export function manageTemplateFunction(app: App) {
  return adminFunction(app, {
    name: 'manageTemplate',
    route: 'manage/templates/{templateId}',
    handlers: {
      GET: async (request) =>
        json(200, { template: await getTemplate(app.deps, param(request, 'templateId')) }),
      PUT: async (request, principal) =>
        json(200, {
          template: await saveTemplate(
            app.deps,
            param(request, 'templateId'),
            await readBody(request),
            principal.name,
          ),
        }),
      DELETE: async (request) => {
        await deleteTemplate(app.deps, param(request, 'templateId'));
        return noContent();
      },
    },
  });
}
