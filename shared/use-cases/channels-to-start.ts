import { oversees, type Principal } from '../domain/access.js';
import { numbersOf } from '../domain/channel-number.js';
import { opennessAt } from '../domain/hours.js';
import type { SenderNumber } from '../domain/phone.js';
import { NotFoundError } from '../errors.js';
import { actingAgent } from './access.js';
import type { CoreDeps } from './deps.js';

export interface StartChannel {
  id: string;
  name: string;
  /** The channel's numbers; a conversation an agent starts is sent from the first. */
  numbers: SenderNumber[];
  /** The queue the started conversation belongs to. */
  queueId: string;
  /** Agents start conversations on it only while it is open. */
  onlyWhenOpen: boolean;
  /** Whether it is open now (always, without opening hours). */
  openNow: boolean;
}

/**
 * The channels the caller may start a conversation on: two-way channels whose rules let agents
 * text first. An agent sees those whose default queue is one of theirs, the queue a started
 * conversation joins; supervisors and admins see them all. Quiet hours depend on the customer's
 * number, so they are checked when the conversation starts, not here.
 */
export async function channelsToStart(deps: CoreDeps, principal: Principal): Promise<StartChannel[]> {
  let queueIds: Set<string> | undefined;
  if (!oversees(principal)) {
    const agentId = actingAgent(principal, undefined);
    const agent = await deps.store.getAgent(agentId);
    if (!agent) throw new NotFoundError(`agent ${agentId} does not exist`);
    queueIds = new Set(agent.value.queueIds);
  }
  const now = deps.clock.now();
  return deps.directory
    .channels()
    .filter(
      (channel) =>
        channel.direction !== 'outbound-only' &&
        channel.agentInitiated.enabled &&
        (queueIds === undefined || queueIds.has(channel.defaultQueueId)),
    )
    .map((channel) => ({
      id: channel.id,
      name: channel.name,
      numbers: numbersOf(channel),
      queueId: channel.defaultQueueId,
      onlyWhenOpen: channel.agentInitiated.onlyWhenOpen,
      openNow: channel.hours ? opennessAt(channel.hours, now).open : true,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
