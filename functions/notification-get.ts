import type { App } from '../shared/app.js';
import { notificationStatus } from '../shared/use-cases/notify.js';
import { json, param, signedInFunction } from './http.js';

/** Where a notification's messages are: queued, sent, delivered, failed or refused, per recipient. */
export function notificationGetFunction(app: App) {
  return signedInFunction(app, {
    name: 'notificationGet',
    route: 'notifications/{notificationId}',
    methods: ['GET'],
    roles: ['notifier', 'supervisor', 'admin'],
    handle: async (request) =>
      json(200, await notificationStatus(app.deps, param(request, 'notificationId'))),
  });
}
