import type { App } from '../shared/app.js';
import type { TranscriptExpiry } from '../shared/ports.js';
import { expireTranscripts } from '../shared/use-cases/retention.js';
import type { TimerFunction } from './definition.js';

/** The embedded default's retention: messages past their channel's retention go (Cosmos DB expires its own). */
export function retentionTimerFunction(app: App, expiry: TranscriptExpiry): TimerFunction {
  return {
    kind: 'timer',
    name: 'retentionTimer',
    schedule: app.config.dataLife.retentionSchedule,
    handler: async () => {
      await expireTranscripts(app.deps, expiry);
    },
  };
}
