import type { App } from '../shared/app.js';
import { readConfiguration, replaceConfiguration } from '../shared/use-cases/admin-configuration.js';
import { json } from './http.js';
import { adminFunction, readPutBody } from './manage.js';

/**
 * The whole configuration (channels and queues) to export, or to import in one change. Reads carry
 * an ETag; a write with If-Match replaces only the configuration it names (412 otherwise).
 */
export function manageConfigurationFunction(app: App) {
  return adminFunction(app, {
    name: 'manageConfiguration',
    route: 'manage/configuration',
    handlers: {
      GET: async () => {
        const { value, etag } = await readConfiguration(app.deps);
        return { ...json(200, { configuration: value }), headers: { etag: `"${etag}"` } };
      },
      PUT: async (request) => {
        const ifMatch = request.headers.get('if-match')?.replace(/^"|"$/g, '');
        const { value, etag } = await replaceConfiguration(
          app.deps,
          await readPutBody(request, 'configuration'),
          ifMatch,
        );
        return { ...json(200, { configuration: value }), headers: { etag: `"${etag}"` } };
      },
    },
  });
}
