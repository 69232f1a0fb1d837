import { Directory, type DirectoryView } from '../../shared/domain/directory.js';
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

/** The directory with its `alerts` channel replaced by one sending from these numbers. */
export function withAlertsPool(directory: DirectoryView, numbers: string[]): Directory {
  return new Directory(
    [...directory.channels().filter((channel) => channel.id !== 'alerts'), ...poolOf(numbers).channels()],
    directory.queues(),
  );
}
