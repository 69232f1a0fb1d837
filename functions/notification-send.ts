import type { App } from '../shared/app.js';
import { notificationRequestSchema } from '../shared/domain/notification.js';
import { ValidationError } from '../shared/errors.js';
import { sendNotification } from '../shared/use-cases/notify.js';
import { json, readJson, signedInFunction } from './http.js';

/**
 * `POST notifications` for Power Automate and any HTTP client: an `Idempotency-Key` header makes a
 * retried call send once and get the first answer again.
 */
export function notificationSendFunction(app: App) {
  return signedInFunction(app, {
    name: 'notificationSend',
    route: 'notifications',
    methods: ['POST'],
    roles: ['notifier', 'supervisor', 'admin'],
    handle: async (request) => {
      const key = request.headers.get('idempotency-key') ?? undefined;
      if (key !== undefined && (key.length === 0 || key.length > 200)) {
        throw new ValidationError('Idempotency-Key must have 1 to 200 characters');
      }
      const input = await readJson(request, notificationRequestSchema);
      const notification = await sendNotification(app.deps, input, key);
      return json(202, {
        id: notification.id,
        recipients: notification.recipients,
      });
    },
  });
}
