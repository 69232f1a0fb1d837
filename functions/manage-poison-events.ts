import type { App } from '../shared/app.js';
import { listPoisonEvents } from '../shared/use-cases/poison-events.js';
import { json } from './http.js';
import { adminFunction } from './manage.js';

/** Provider events kept as poison records, newest first (`?before=<next>&limit=100`). */
export function managePoisonEventsFunction(app: App) {
  return adminFunction(app, {
    name: 'managePoisonEvents',
    route: 'manage/poison-events',
    handlers: {
      GET: async (request) => {
        const limit = request.query.get('limit');
        const page = await listPoisonEvents(app.deps, {
          before: request.query.get('before') ?? undefined,
          limit: limit === null ? undefined : Number(limit),
        });
        return json(200, page);
      },
    },
  });
}
