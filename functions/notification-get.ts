import type { App } from '../shared/app.js';
import { notificationStatus } from '../shared/use-cases/notify.js';
import { httpFunction, json, param } from './http.js';

/** Where a notification's messages are: queued, sent, delivered, failed or refused, per recipient. */
export function notificationGetFunction(app: App) {
  return httpFunction({
    name: 'notificationGet',
    route: 'notifications/{notificationId}',
    methods: ['GET'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) =>
      json(200, await notificationStatus(app.deps, param(request, 'notificationId'))),
  });
}
