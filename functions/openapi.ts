import type { App } from '../shared/app.js';
import { httpFunction, json } from './http.js';
import { openApiDocument } from './openapi-document.js';

/** The notifications API description, served for Power Automate's "import from URL". */
export function openApiFunction(app: App) {
  const document = openApiDocument(app.config.identity);
  return httpFunction({
    name: 'openApi',
    route: 'openapi.json',
    methods: ['GET'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async () => json(200, document),
  });
}
