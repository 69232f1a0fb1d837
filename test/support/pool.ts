import { Directory } from '../../shared/domain/directory.js';
import { parseSeed } from '../../shared/domain/seed.js';

/** A directory whose outbound-only channel `alerts` sends from these numbers, its pool. */
export function poolOf(numbers: string[]): Directory {
  const seed = parseSeed(
    {
      channels: [
        {
          id: 'alerts',
          name: 'Alerts',
          numbers,
          provider: 'local',
          direction: 'outbound-only',
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: 'General' }],
    },
    { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 },
  );
  return new Directory(seed.channels, seed.queues);
}
