import type { App } from '../shared/app.js';
import {
  deleteEventSubscription,
  getEventSubscription,
  listEventDeliveries,
  requireSubscriptions,
  saveEventSubscription,
} from '../shared/use-cases/admin-event-subscriptions.js';
import { json, param, readBody } from './http.js';
import { adminFunction, noContent } from './manage.js';

/** The webhook subscribers of integration events (the embedded default; on Azure: 409, use Event Grid). */
export function manageEventSubscriptionsFunction(app: App) {
  return adminFunction(app, {
    name: 'manageEventSubscriptions',
    route: 'manage/event-subscriptions',
    handlers: {
      GET: async () =>
        json(200, { subscriptions: await requireSubscriptions(app.events.subscriptions).list() }),
    },
  });
}

/** One subscriber: PUT creates or replaces it (URL, event types, secret, whether to include text). */
export function manageEventSubscriptionFunction(app: App) {
  return adminFunction(app, {
    name: 'manageEventSubscription',
    route: 'manage/event-subscriptions/{subscriptionId}',
    handlers: {
      GET: async (request) =>
        json(200, {
          subscription: await getEventSubscription(
            requireSubscriptions(app.events.subscriptions),
            param(request, 'subscriptionId'),
          ),
        }),
      PUT: async (request) =>
        json(200, {
          subscription: await saveEventSubscription(
            requireSubscriptions(app.events.subscriptions),
            param(request, 'subscriptionId'),
            await readBody(request),
          ),
        }),
      DELETE: async (request) => {
        await deleteEventSubscription(
          requireSubscriptions(app.events.subscriptions),
          param(request, 'subscriptionId'),
        );
        return noContent();
      },
    },
  });
}

/** A subscriber's latest deliveries, newest first, with each one's status, attempts and last result. */
export function manageEventDeliveriesFunction(app: App) {
  return adminFunction(app, {
    name: 'manageEventDeliveries',
    route: 'manage/event-subscriptions/{subscriptionId}/deliveries',
    handlers: {
      GET: async (request) =>
        json(200, {
          deliveries: await listEventDeliveries(
            requireSubscriptions(app.events.subscriptions),
            param(request, 'subscriptionId'),
            50,
          ),
        }),
    },
  });
}
