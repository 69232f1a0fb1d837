import type { DirectoryView } from '../domain/directory.js';
import type { Message } from '../domain/message.js';
import type { TranscriptExpiry } from '../ports.js';
import type { CoreDeps } from './deps.js';

const DAY_MS = 86_400_000;
/** Messages removed per write, so one sweep never holds the embedded store's lock for long. */
const SWEEP_BATCH = 500;

/**
 * The embedded default's retention timer: each channel with a retention loses the messages (the
 * transcripts) older than it, its notifications' too. Conversations stay: they hold the times and
 * transitions the supervisor's figures are counted from, and no message text. Cosmos DB needs no
 * sweep: each message there carries its channel's retention as its time to live.
 */
export async function expireTranscripts(
  deps: Pick<CoreDeps, 'directory' | 'clock' | 'logger'>,
  expiry: TranscriptExpiry,
): Promise<{ channelId: string; removed: number }[]> {
  const now = deps.clock.now().getTime();
  const swept: { channelId: string; removed: number }[] = [];
  for (const channel of deps.directory.channels()) {
    if (channel.retentionDays === undefined) continue;
    const query = {
      channelId: channel.id,
      createdBefore: new Date(now - channel.retentionDays * DAY_MS).toISOString(),
      limit: SWEEP_BATCH,
    };
    let removed = 0;
    for (;;) {
      const batch = await expiry.expireMessages(query);
      removed += batch;
      if (batch < SWEEP_BATCH) break;
    }
    if (removed > 0) deps.logger.info('retention.expired', { channelId: channel.id, messages: removed });
    swept.push({ channelId: channel.id, removed });
  }
  return swept;
}

/**
 * The retention of a message's channel, in days, found by the channel's number the message names
 * (`to` when it came in, `from` when it went out): no read. Cosmos DB writes it as the message's ttl.
 */
export const retentionDaysOf =
  (directory: Pick<DirectoryView, 'channelForNumber'>) =>
  (message: Message): number | undefined =>
    directory.channelForNumber(message.direction === 'inbound' ? message.to : message.from)?.retentionDays;
