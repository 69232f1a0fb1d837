import { randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';

import { CronExpressionParser } from 'cron-parser';
import type { TimerFunction } from '../functions/definition.js';
import type { Logger } from '../shared/ports.js';

// @azure/functions is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const { InvocationContext } = azureFunctions;

/** Runs timer functions on their NCRONTAB schedule (six fields, seconds first), in UTC like Azure. */
export class TimerRunner {
  private readonly timeouts = new Set<NodeJS.Timeout>();
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly definitions: TimerFunction[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const definition of this.definitions) this.schedule(definition);
  }

  private schedule(definition: TimerFunction): void {
    if (this.stopped) return;
    const next = CronExpressionParser.parse(definition.schedule, { tz: 'UTC' }).next().getTime();
    const timeout = setTimeout(
      () => {
        this.timeouts.delete(timeout);
        this.running = this.running
          .then(() => this.invoke(definition))
          .finally(() => this.schedule(definition));
      },
      Math.max(0, next - Date.now()),
    );
    this.timeouts.add(timeout);
  }

  /** Runs one timer function now (the local host's `POST /admin/functions/{name}`). */
  async invoke(definition: TimerFunction): Promise<void> {
    const context = new InvocationContext({
      functionName: definition.name,
      invocationId: randomUUID(),
      logHandler: () => {},
    });
    try {
      const now = new Date().toISOString();
      const timer = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: now, next: now, lastUpdated: now },
      };
      await definition.handler(timer, context);
    } catch (error) {
      this.logger.error('timer.failed', { function: definition.name }, error);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timeout of this.timeouts) clearTimeout(timeout);
    this.timeouts.clear();
    await this.running.catch(() => {});
  }
}
