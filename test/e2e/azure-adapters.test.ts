import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundSession, sendLanes } from '../../shared/domain/send-lanes.js';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { readHttpFixture } from '../support/http-fixture.js';

const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';
const PUBLIC_BASE = 'https://func-contoso-sms.azurewebsites.net';
const OUR_NUMBER = '+12065550100';
const CUSTOMER = '+14255550123';

/**
 * The same function list on the Azure adapters: state in Cosmos DB (the real @azure/cosmos SDK
 * against cosmosdb-server) and work in Service Bus (the real @azure/service-bus SDK against the
 * project's test broker), a Twilio channel against a stand-in that checks Twilio's auth. The local
 * host runs the queue consumers and timers as the Functions host would; the seed is imported into
 * Cosmos DB because SMS_SEED_FILE is set. What this proves is our use of both SDKs end to end;
 * neither server is the Azure service.
 */
describe('a conversation on Cosmos DB and Service Bus', () => {
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  const twilioApi = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let t: TestHost;
  let conversationId = '';

  const post = (path: string, body: string, signature: string) =>
    fetch(`${t.host.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body,
    });
  const settled = () =>
    t.eventually(
      async () => Object.values(queueNames).every((q) => broker.depth(q) === 0),
      'Service Bus to drain',
    );
  const messages = async () => (await t.api('GET', `conversations/${conversationId}`)).body.messages;

  beforeAll(async () => {
    await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
    const { port } = cosmos.address() as AddressInfo;
    const { connectionString } = await broker.start();
    const apiUrl = await twilioApi.start();
    t = await startTestHost(
      {
        COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('any key').toString('base64')};`,
        COSMOS_DATABASE: 'sms-e2e',
        ServiceBusConnection: connectionString,
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
        // Azure adapters without App Service Authentication: function keys are the identity, and
        // this test is the integration an operator trusts with the agent and admin roles.
        SMS_FUNCTION_KEY_ROLES: 'notifier,agent,supervisor,admin',
      },
      {
        channels: [
          {
            id: 'support',
            name: 'Support on Twilio',
            numbers: [OUR_NUMBER],
            provider: 'twilio',
            autoCloseMinutes: 30,
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await broker.stop();
    await twilioApi.stop();
    await new Promise<void>((resolve) => cosmos.close(() => resolve()));
  });

  it('runs on the Azure adapters: health says so and lists no queue depths', async () => {
    const { body } = await t.api('GET', 'health');
    expect(body).toEqual({ status: 'ok', mode: 'azure' });
    expect(t.host.functions.some((f) => f.name === 'localInbound')).toBe(false);
  });

  it('takes a signed Twilio message through Service Bus into a conversation stored in Cosmos DB', async () => {
    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const response = await post(request.path, request.body, request.headers['x-twilio-signature'] ?? '');
    expect(response.status).toBe(200);
    // Twilio retries: Service Bus' duplicate detection drops the repeat.
    await post(request.path, request.body, request.headers['x-twilio-signature'] ?? '');
    const queued = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/general/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation');
    conversationId = queued[0].id;
    await settled();
    expect((await messages()).map((m: { direction: string }) => m.direction)).toEqual(['inbound']);
  });

  it('assigns it through the assignment queue and sends the reply through the outbound queue to Twilio', async () => {
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.eventually(
      async () => (await t.api('GET', 'agents/alice/conversations')).body.conversations.length === 1,
      'assignment',
    );
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Hello from Azure',
    });
    expect(reply.status).toBe(202);
    const send = await t.eventually(async () => twilioApi.sends[0], 'the send at Twilio');
    expect(send.params).toMatchObject({ To: CUSTOMER, From: OUR_NUMBER, Body: 'Hello from Azure' });
    await t.eventually(async () => (await messages())[1]?.status === 'sent', 'the reply marked sent');

    const callbackUrl = send.params.StatusCallback ?? '';
    const params = {
      MessageSid: 'SM00000000000000000000000000000001',
      MessageStatus: 'delivered',
      From: OUR_NUMBER,
      To: CUSTOMER,
      AccountSid: ACCOUNT_SID,
    };
    const url = new URL(callbackUrl);
    const status = await post(
      `${url.pathname}${url.search}`,
      new URLSearchParams(params).toString(),
      twilio.getExpectedTwilioSignature(AUTH_TOKEN, callbackUrl, params),
    );
    expect(status.status).toBe(200);
    await t.eventually(async () => (await messages())[1]?.status === 'delivered', 'delivered');
  });

  it('fans a notification out in one Service Bus batch per lane of its number, and the outbound worker texts each recipient once', async () => {
    const to = ['+14255550131', '+14255550132', '+14255550133'];
    const before = twilioApi.sends.length;
    const answer = await t.api('POST', 'notifications', {
      channelId: 'support',
      to,
      text: 'Your parcel is here',
    });
    expect(answer.status).toBe(202);
    // The host sends 1000 a second from each number: ten lanes. A batch carries one session, as a
    // partitioned entity requires, so a lane's recipients share one.
    const lanes = to.map((customer) => outboundSession(OUR_NUMBER, customer, sendLanes(1000)));
    expect(new Set(lanes).size).toBeGreaterThan(1);
    expect(broker.batches.filter((batch) => batch.queue === queueNames.outbound)).toEqual(
      [...new Set(lanes)].map((lane) => ({
        queue: queueNames.outbound,
        sessions: lanes.filter((other) => other === lane),
      })),
    );
    await t.eventually(async () => twilioApi.sends.length === before + 3, 'the three sends at Twilio');
    await settled();
    // The lanes send side by side: each recipient once, in whatever order the lanes went.
    expect(
      twilioApi.sends
        .slice(before)
        .map((send) => send.params.To)
        .sort(),
    ).toEqual([...to].sort());
    const status = await t.eventually(async () => {
      const { body } = await t.api('GET', `notifications/${answer.body.id}`);
      return body.recipients.every((r: { status: string }) => r.status === 'sent') && body;
    }, 'every recipient marked sent');
    expect(status.recipients).toHaveLength(3);
  });

  it('closes the conversation on the timer once idle, with the manual clock', async () => {
    await t.api('POST', 'local/clock', { advanceMinutes: 31 });
    await t.host.invoke('autoCloseTimer');
    const { body } = await t.api('GET', `conversations/${conversationId}`);
    expect(body.conversation.state).toBe('closed');
    expect((await t.api('GET', 'agents/alice/conversations')).body.conversations).toEqual([]);
  });
});
