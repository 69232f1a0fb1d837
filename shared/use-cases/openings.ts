import { opennessAt } from '../domain/hours.js';
import { requestAssignment } from './assignment-request.js';
import type { CoreDeps } from './deps.js';

/**
 * Run every minute: a channel with opening hours that is open now and has conversations waiting
 * gets its queue assigned again, so what arrived while it was closed reaches agents at opening.
 */
export async function assignAtOpening(deps: CoreDeps): Promise<{ queues: string[] }> {
  const now = deps.clock.now();
  const queues = new Set<string>();
  for (const channel of deps.directory.channels()) {
    if (!channel.hours || !opennessAt(channel.hours, now).open) continue;
    const waiting = await deps.store.findConversations({ channelId: channel.id, states: ['open'], limit: 1 });
    const [first] = waiting;
    if (first) queues.add(first.value.queueId);
  }
  for (const queueId of queues) await requestAssignment(deps, queueId, 'channel open');
  return { queues: [...queues] };
}
