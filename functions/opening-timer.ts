import type { App } from '../shared/app.js';
import { assignAtOpening } from '../shared/use-cases/openings.js';
import type { TimerFunction } from './definition.js';

/** Every minute: queues of channels that have opened get their waiting conversations assigned. */
export function openingTimerFunction(app: App): TimerFunction {
  return {
    kind: 'timer',
    name: 'openingTimer',
    schedule: '0 */1 * * * *',
    handler: async () => {
      const { queues } = await assignAtOpening(app.deps);
      if (queues.length > 0) app.deps.logger.info('openings.assigned', { queues: queues.length });
    },
  };
}
