import type { IntegrationEvent } from '../../shared/domain/integration-event.js';
import type { EventPublisher } from '../../shared/ports.js';

/**
 * A subscriber's view of a publisher: every event it got, repeats included, and the distinct ones a
 * subscriber that recognises repeats by id keeps.
 */
export class RecordingPublisher implements EventPublisher {
  readonly received: IntegrationEvent[] = [];
  retries = 0;
  /** Set to make the next publish fail (the topic or the network is down). */
  failNext: Error | undefined;

  async publish(events: IntegrationEvent[]) {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.received.push(...structuredClone(events));
  }

  async retryDue() {
    this.retries += 1;
  }

  /** What a subscriber keeping each id once has. */
  distinct(): IntegrationEvent[] {
    return [...new Map(this.received.map((event) => [event.id, event])).values()];
  }
}
