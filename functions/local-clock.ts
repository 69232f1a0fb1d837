import { z } from 'zod';
import type { App } from '../shared/app.js';
import { httpFunction, json, readJson } from './http.js';

const body = z.object({ advanceMinutes: z.number().positive().max(525_600) });

/** Moves the manual clock (SMS_CLOCK=manual only): try auto-close without waiting for it. */
export function localClockFunction(app: App) {
  return httpFunction({
    name: 'localClock',
    route: 'local/clock',
    methods: ['GET', 'POST'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const clock = app.manualClock;
      if (!clock)
        return json(404, {
          error: {
            code: 'not-found',
            message: 'the clock is the system clock: start the local host with SMS_CLOCK=manual to move it',
          },
        });
      if (request.method === 'POST') {
        const { advanceMinutes } = await readJson(request, body);
        clock.advance(advanceMinutes * 60_000);
      }
      return json(200, { now: clock.now().toISOString() });
    },
  });
}
