import type { App } from '../shared/app.js';
import { autoCloseIdle } from '../shared/use-cases/auto-close.js';
import type { TimerFunction } from './definition.js';

export function autoCloseTimerFunction(app: App): TimerFunction {
  return {
    kind: 'timer',
    name: 'autoCloseTimer',
    schedule: app.config.autoClose.schedule,
    handler: async () => {
      const { closed } = await autoCloseIdle(app.deps);
      if (closed.length > 0) app.deps.logger.info('auto-close.run', { closed: closed.length });
    },
  };
}
