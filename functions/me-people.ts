import type { App } from '../shared/app.js';
import { NotFoundError } from '../shared/errors.js';
import { signInPeople } from '../shared/use-cases/workspace.js';
import { httpFunction, json } from './http.js';

/**
 * Who the development sign-in's person picker offers. Anonymous, since the picker comes before
 * signing in, and only with the development sign-in on (the embedded default on 127.0.0.1):
 * elsewhere there is no such list to give.
 */
export function mePeopleFunction(app: App) {
  return httpFunction({
    name: 'mePeople',
    route: 'me/people',
    methods: ['GET'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async () => {
      if (app.config.identity !== 'dev-sign-in') {
        throw new NotFoundError('the person picker exists only with the development sign-in');
      }
      return json(200, { people: await signInPeople(app.deps) });
    },
  });
}
