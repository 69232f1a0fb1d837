import type { App } from '../shared/app.js';
import { eraseCustomer, exportCustomer } from '../shared/use-cases/customer-data.js';
import { json, param } from './http.js';
import { adminFunction } from './manage.js';

/**
 * A customer's data, found by mobile number (E.164, `%2B` for the +): everything kept about them
 * as one JSON document (the right of access).
 */
export function manageCustomerExportFunction(app: App) {
  return adminFunction(app, {
    name: 'manageCustomerExport',
    route: 'manage/customers/{number}/export',
    handlers: {
      GET: async (request) => json(200, { export: await exportCustomer(app.deps, param(request, 'number')) }),
    },
  });
}

/** Erases a customer (the right to erasure) in one call; the answer says what was removed. */
export function manageCustomerEraseFunction(app: App) {
  return adminFunction(app, {
    name: 'manageCustomerErase',
    route: 'manage/customers/{number}/erase',
    handlers: {
      POST: async (request) =>
        json(200, {
          erased: await eraseCustomer(app.deps, param(request, 'number'), app.events.subscriptions),
        }),
    },
  });
}
