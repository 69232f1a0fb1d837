import type { App } from '../shared/app.js';
import { dayFigures } from '../shared/use-cases/figures.js';
import { json, signedInFunction } from './http.js';

/** A day's figures per queue and channel (`?date=YYYY-MM-DD`, UTC; today by default). */
export function figuresFunction(app: App) {
  return signedInFunction(app, {
    name: 'figures',
    route: 'figures',
    methods: ['GET'],
    roles: ['supervisor', 'admin'],
    handle: async (request) => json(200, await dayFigures(app.deps, request.query.get('date'))),
  });
}
