import { NotFoundError } from '../errors.js';
import type { Channel, Queue } from './channel.js';

/** What the use cases read of the configuration: channels and queues, by id and by number. */
export interface DirectoryView {
  channels(): Channel[];
  queues(): Queue[];
  channelForNumber(number: string): Channel | undefined;
  /** The channel, or undefined when the configuration no longer has it. */
  findChannel(id: string): Channel | undefined;
  /** The channel; NotFoundError when there is none. */
  channel(id: string): Channel;
  findQueue(id: string): Queue | undefined;
  /** The queue; NotFoundError when there is none. */
  queue(id: string): Queue;
}

/**
 * One configuration held in memory: channels and queues are small, read on every message and
 * change rarely, so a lookup must never cost a store round trip.
 */
export class Directory implements DirectoryView {
  private readonly byNumber = new Map<string, Channel>();
  private readonly channelsById = new Map<string, Channel>();
  private readonly queuesById = new Map<string, Queue>();

  constructor(channels: Channel[], queues: Queue[]) {
    for (const channel of channels) {
      this.channelsById.set(channel.id, channel);
      for (const { number } of channel.numbers) this.byNumber.set(number, channel);
    }
    for (const queue of queues) this.queuesById.set(queue.id, queue);
  }

  channels(): Channel[] {
    return [...this.channelsById.values()];
  }

  queues(): Queue[] {
    return [...this.queuesById.values()];
  }

  channelForNumber(number: string): Channel | undefined {
    return this.byNumber.get(number);
  }

  findChannel(id: string): Channel | undefined {
    return this.channelsById.get(id);
  }

  channel(id: string): Channel {
    const channel = this.channelsById.get(id);
    if (!channel) throw new NotFoundError(`unknown channel ${id}`);
    return channel;
  }

  findQueue(id: string): Queue | undefined {
    return this.queuesById.get(id);
  }

  queue(id: string): Queue {
    const queue = this.queuesById.get(id);
    if (!queue) throw new NotFoundError(`unknown queue ${id}`);
    return queue;
  }
}
