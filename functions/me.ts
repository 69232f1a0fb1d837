import type { App } from '../shared/app.js';
import { whoAmI } from '../shared/use-cases/workspace.js';
import { json, signedInFunction } from './http.js';

/** Who is signed in: their roles and, for an agent, their presence and load (the page's header). */
export function meFunction(app: App) {
  return signedInFunction(app, {
    name: 'me',
    route: 'me',
    methods: ['GET'],
    roles: 'any',
    handle: async (_request, principal) =>
      json(200, {
        ...(await whoAmI(app.deps, principal)),
        devSignIn: app.config.identity === 'dev-sign-in',
        embedded: app.embedded !== undefined,
      }),
  });
}
