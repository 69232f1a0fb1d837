import type { Channel, Queue } from '../domain/channel.js';
import {
  type AutoCloseBounds,
  type Configuration,
  currentShape,
  resolveChannel,
} from '../domain/configuration.js';
import { Directory, type DirectoryView } from '../domain/directory.js';
import type { Logger, Store } from '../ports.js';

export type ConfigurationListener = (configuration: Configuration) => Promise<void> | void;

/**
 * The configuration as this instance knows it: the stored document, held in memory and read again
 * when it may have changed. A change made here is seen at once (`refresh` after the write); one
 * made by another instance within `refreshMs` (a timer re-reads the document, one point read).
 * Only a new ETag rebuilds the lookups, so an unchanged configuration costs nothing more.
 */
export class LiveDirectory implements DirectoryView {
  private snapshot: Directory = new Directory([], []);
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ConfigurationListener[] = [];
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly bounds: AutoCloseBounds,
    private readonly logger: Logger,
  ) {}

  /** Called after every change this instance sees (sender clients, the local host's other thread). */
  onChange(listener: ConfigurationListener): void {
    this.listeners.push(listener);
  }

  /** Reads the stored configuration and applies it if it changed. Concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const stored = await this.store.getConfiguration();
    if (!stored || stored.etag === this.etag) return;
    const { channels, queues } = currentShape(stored.value);
    this.snapshot = new Directory(
      channels.map((channel) => resolveChannel(channel, this.bounds)),
      queues,
    );
    this.etag = stored.etag;
    for (const listener of this.listeners) await listener(stored.value);
    this.logger.info('configuration.applied', { channels: channels.length, queues: queues.length });
  }

  /** Re-reads every `refreshMs` until stopped; a failed read is logged and tried again next time. */
  start(refreshMs: number): void {
    this.timer ??= setInterval(() => {
      this.refresh().catch((error) => this.logger.error('configuration.refresh-failed', {}, error));
    }, refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  channels(): Channel[] {
    return this.snapshot.channels();
  }
  queues(): Queue[] {
    return this.snapshot.queues();
  }
  channelForNumber(number: string): Channel | undefined {
    return this.snapshot.channelForNumber(number);
  }
  findChannel(id: string): Channel | undefined {
    return this.snapshot.findChannel(id);
  }
  channel(id: string): Channel {
    return this.snapshot.channel(id);
  }
  findQueue(id: string): Queue | undefined {
    return this.snapshot.findQueue(id);
  }
  queue(id: string): Queue {
    return this.snapshot.queue(id);
  }
}
