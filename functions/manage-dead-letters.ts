import type { App } from '../shared/app.js';
import { ValidationError } from '../shared/errors.js';
import {
  countDeadLetters,
  discardDeadLetter,
  listDeadLetters,
  replayDeadLetter,
} from '../shared/use-cases/dead-letters.js';
import { json, param } from './http.js';
import { adminFunction, noContent } from './manage.js';

const deps = (app: App) => ({ queue: app.queue, logger: app.deps.logger });

/** `include=text` asks for the work's text; nothing else may be included. */
function includeText(include: string | null): boolean {
  if (include === null || include === '') return false;
  if (include === 'text') return true;
  throw new ValidationError('include takes only text', [{ path: 'include', message: 'unknown value' }]);
}

/** How many dead letters each work queue holds (sms-inbound, sms-assignment, sms-outbound). */
export function manageDeadLettersFunction(app: App) {
  return adminFunction(app, {
    name: 'manageDeadLetters',
    route: 'manage/dead-letters',
    handlers: { GET: async () => json(200, await countDeadLetters(deps(app))) },
  });
}

/**
 * A work queue's dead letters with their reasons, oldest first (`?after=<next>&limit=100`), numbers
 * masked and without the message text unless asked for with `include=text`.
 */
export function manageQueueDeadLettersFunction(app: App) {
  return adminFunction(app, {
    name: 'manageQueueDeadLetters',
    route: 'manage/dead-letters/{queue}',
    handlers: {
      GET: async (request) => {
        const limit = request.query.get('limit');
        const page = await listDeadLetters(deps(app), {
          queue: param(request, 'queue'),
          after: request.query.get('after') ?? undefined,
          limit: limit === null ? undefined : Number(limit),
          includeText: includeText(request.query.get('include')),
        });
        return json(200, page);
      },
    },
  });
}

/** Discards a dead letter for good (DELETE). */
export function manageDeadLetterFunction(app: App) {
  return adminFunction(app, {
    name: 'manageDeadLetter',
    route: 'manage/dead-letters/{queue}/{sequence}',
    handlers: {
      DELETE: async (request, principal) => {
        await discardDeadLetter(deps(app), {
          queue: param(request, 'queue'),
          sequence: param(request, 'sequence'),
          by: principal.userId,
        });
        return noContent();
      },
    },
  });
}

/** Sends a dead letter back to its queue as new work, once. */
export function manageDeadLetterReplayFunction(app: App) {
  return adminFunction(app, {
    name: 'manageDeadLetterReplay',
    route: 'manage/dead-letters/{queue}/{sequence}/replay',
    handlers: {
      POST: async (request, principal) =>
        json(200, {
          replayed: await replayDeadLetter(deps(app), {
            queue: param(request, 'queue'),
            sequence: param(request, 'sequence'),
            by: principal.userId,
          }),
        }),
    },
  });
}
