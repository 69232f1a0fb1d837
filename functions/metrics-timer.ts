import type { App } from '../shared/app.js';
import { measureLevels } from '../shared/use-cases/measure-levels.js';
import type { TimerFunction } from './definition.js';

/**
 * Every minute: the queues' lines and the work queues' dead letters, recorded as gauges
 * (sms.queue.depth, sms.queue.oldest_wait, sms.work.dead_letters) for dashboards and alerts.
 */
export function metricsTimerFunction(app: App): TimerFunction {
  return {
    kind: 'timer',
    name: 'metricsTimer',
    schedule: '30 */1 * * * *',
    handler: async () => {
      await measureLevels(app.deps, app.queue);
    },
  };
}
