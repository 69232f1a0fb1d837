import type { TokenCredential } from '@azure/core-auth';
import type { EventGridPublisherClient, SendCloudEventInput } from '@azure/eventgrid';
import { cloudEventType, type IntegrationEvent } from '../domain/integration-event.js';
import { lazily } from '../lazy.js';
import type { EventPublisher } from '../ports.js';

/** Event Grid takes at most 1 MB per publish; the outbox's events are small, so 100 fit well inside. */
const PER_PUBLISH = 100;

/**
 * Publishes to an Event Grid custom topic, as CloudEvents 1.0, with the app's identity (the topic
 * has local auth off; the identity holds EventGrid Data Sender). Event Grid delivers to every
 * subscription (Power Automate, Logic Apps, functions, webhooks) and retries them itself. It does
 * not drop repeats: a repeat after a crash carries the same `id`, which subscribers check.
 */
export class EventGridPublisher implements EventPublisher {
  /** Built at the first publish: an instance that publishes nothing never loads the SDK. */
  private readonly client: () => Promise<EventGridPublisherClient<'CloudEvent'>>;

  constructor(
    endpoint: string,
    credential: TokenCredential,
    private readonly source: string,
    options: { tlsOptions?: { ca: string } } = {},
  ) {
    this.client = lazily(async () => {
      const { EventGridPublisherClient } = await import('@azure/eventgrid');
      return new EventGridPublisherClient(endpoint, 'CloudEvent', credential, options);
    });
  }

  async publish(events: IntegrationEvent[]) {
    if (events.length === 0) return;
    const client = await this.client();
    for (let start = 0; start < events.length; start += PER_PUBLISH) {
      await client.send(
        events.slice(start, start + PER_PUBLISH).map(
          (event): SendCloudEventInput<unknown> => ({
            id: event.id,
            source: this.source,
            type: cloudEventType(event.type),
            subject: event.subject,
            time: new Date(event.time),
            datacontenttype: 'application/json',
            data: event.data,
          }),
        ),
      );
    }
  }

  /** Event Grid retries deliveries itself. */
  async retryDue() {}
}
