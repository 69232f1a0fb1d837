import type { AddressInfo } from 'node:net';
import { ServiceBusClient } from '@azure/service-bus';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../shared/adapters/clocks.js';
import { ServiceBusQueue } from '../../shared/adapters/service-bus-queue.js';
import type { InboundWork } from '../../shared/domain/inbound-work.js';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { readHttpFixture } from '../support/http-fixture.js';

const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';
const OUR_NUMBER = '+12065550100';
const CUSTOMER = '+14255550123';
const OTHER_CUSTOMER = '+14255550177';
/** The Twilio fixture's text: the one dead-lettered below is that message, as the webhook queued it. */
const SID = 'SM1f2e3d4c5b6a79880716253443526170';
const TEXT = 'Hi, I need help with my order #12345';

/**
 * The dead-letter API on the Azure adapters: the Service Bus stand-in's dead-letter queue through
 * the real SDK, the conversation in Cosmos DB. A Twilio text the inbound worker gave up on is
 * listed from `sms-inbound/$DeadLetterQueue`, replayed and stored once (Twilio's redelivery of it
 * afterwards adds nothing), and another is discarded.
 */
describe('dead letters on Service Bus, through the admin API', () => {
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  const twilioApi = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let t: TestHost;
  const sequences: Record<string, string> = {};

  /** Queues the text as the webhook would and dead-letters it, before any consumer runs. */
  async function deadLetter(queue: ServiceBusQueue, customer: string, sid: string) {
    const sms = {
      id: `twilio:${sid}`,
      provider: 'twilio',
      providerMessageId: sid,
      from: customer,
      to: OUR_NUMBER,
      text: TEXT,
      media: [],
      receivedAt: new Date().toISOString(),
    };
    const work: InboundWork = { kind: 'sms', sms };
    await queue.send('sms-inbound', { id: sms.id, sessionId: `${OUR_NUMBER}:${customer}`, body: work });
    const message = await queue.receive('sms-inbound');
    if (!message) throw new Error('the text did not reach Service Bus');
    await queue.deadLetter('sms-inbound', message, 'Cosmos DB was unreachable');
  }

  beforeAll(async () => {
    await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
    const { port } = cosmos.address() as AddressInfo;
    const { connectionString } = await broker.start();
    const apiUrl = await twilioApi.start();

    const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0 } });
    const queue = new ServiceBusQueue(client, new SystemClock(), {
      maxDeliveryCount: 10,
      receiveWaitMs: 500,
    });
    await deadLetter(queue, CUSTOMER, SID);
    await deadLetter(queue, OTHER_CUSTOMER, 'SM00000000000000000000000000000002');
    for (const letter of await queue.deadLetters('sms-inbound')) sequences[letter.id] = letter.sequence;
    await queue.close();

    t = await startTestHost(
      {
        COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('any key').toString('base64')};`,
        COSMOS_DATABASE: 'sms-e2e-dead-letters',
        ServiceBusConnection: connectionString,
        SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
        // Function keys are the identity on the Azure adapters without App Service Authentication.
        SMS_FUNCTION_KEY_ROLES: 'notifier,agent,supervisor,admin',
      },
      {
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: [OUR_NUMBER],
            provider: 'twilio',
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await broker.stop();
    await twilioApi.stop();
    await new Promise<void>((resolve) => cosmos.close(() => resolve()));
  });

  const history = async (customer: string): Promise<{ messages: { text: string }[] }[]> =>
    (await t.api('GET', `customers/${encodeURIComponent(customer)}/conversations`)).body.conversations;
  const texts = async (customer: string) =>
    (await history(customer)).flatMap((c) => c.messages.map((m) => m.text));

  it('lists the dead letters from the dead-letter queue, with the reason and without the text', async () => {
    const list = await t.api('GET', 'manage/dead-letters/sms-inbound');
    expect(list.status).toBe(200);
    expect(
      list.body.deadLetters.map((d: { messageId: string; reason: string }) => [d.messageId, d.reason]),
    ).toEqual([
      [`twilio:${SID}`, 'Cosmos DB was unreachable'],
      ['twilio:SM00000000000000000000000000000002', 'Cosmos DB was unreachable'],
    ]);
    expect(list.text).not.toContain(TEXT);
    expect(list.text).not.toContain(CUSTOMER);
    const withText = await t.api('GET', 'manage/dead-letters/sms-inbound?include=text');
    expect(withText.body.deadLetters[0].work.sms.text).toBe(TEXT);
    expect((await t.api('GET', 'manage/dead-letters')).body.queues).toContainEqual({
      queue: 'sms-inbound',
      deadLetters: 2,
    });
  });

  it('answers a dead letter Service Bus does not hold with 404, and changes nothing', async () => {
    expect((await t.api('POST', 'manage/dead-letters/sms-inbound/999999/replay')).status).toBe(404);
    expect((await t.api('DELETE', 'manage/dead-letters/sms-outbound/1')).status).toBe(404);
    expect((await t.api('GET', 'manage/dead-letters/sms-inbound')).body.deadLetters).toHaveLength(2);
  });

  it('replays the text once: stored once in Cosmos DB, and neither a second replay nor a Twilio retry adds to it', async () => {
    const sequence = sequences[`twilio:${SID}`];
    const replay = await t.api('POST', `manage/dead-letters/sms-inbound/${sequence}/replay`);
    expect(replay.status).toBe(200);
    await t.eventually(async () => (await texts(CUSTOMER)).length > 0, 'the replayed text to be stored');
    expect((await t.api('POST', `manage/dead-letters/sms-inbound/${sequence}/replay`)).status).toBe(404);

    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const redelivered = await fetch(`${t.host.url}${request.path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': request.headers['x-twilio-signature'] ?? '',
      },
      body: request.body,
    });
    expect(redelivered.status).toBe(200);
    await t.eventually(
      async () => Object.values(queueNames).every((q) => broker.depth(q) === 0),
      'Service Bus to drain',
    );
    expect(await texts(CUSTOMER)).toEqual([TEXT]);
    expect(await history(CUSTOMER)).toHaveLength(1);
  });

  it('discards the other for good: the dead-letter queue is empty and nothing of it was stored', async () => {
    const sequence = sequences['twilio:SM00000000000000000000000000000002'];
    expect((await t.api('DELETE', `manage/dead-letters/sms-inbound/${sequence}`)).status).toBe(204);
    expect((await t.api('GET', 'manage/dead-letters/sms-inbound')).body.deadLetters).toEqual([]);
    expect(await texts(OTHER_CUSTOMER)).toEqual([]);
  });
});
