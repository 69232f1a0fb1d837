import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createHttpServer } from '@vercel/cosmosdb-server';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueNames } from '../../shared/ports.js';
import { type StopTelemetry, startLocalTracing } from '../../shared/telemetry/start.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { readHttpFixture } from '../support/http-fixture.js';

const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';
const PUBLIC_BASE = 'https://func-contoso-sms.azurewebsites.net';
const OUR_NUMBER = '+12065550100';
const CUSTOMER = '+14255550123';
const CUSTOMER_TEXT = 'Hi, I need help with my order #12345';
const REPLY_TEXT = 'Happy to help with order 12345';

/** What no span may show: either number (with or without its +), either text, or a piece of one. */
const secrets = [
  OUR_NUMBER,
  CUSTOMER,
  OUR_NUMBER.slice(1),
  CUSTOMER.slice(1),
  CUSTOMER_TEXT,
  REPLY_TEXT,
  'order',
];

/**
 * One customer's text end to end on the Azure adapters (Cosmos DB through cosmosdb-server, Service
 * Bus through the project's broker) with the spans kept in memory: the webhook, the inbound worker,
 * the assignment and the agent's reply through the outbound worker form one trace, carried from
 * queue to queue in each message's `traceparent` application property.
 */
describe('one trace from a customer message to its answer', () => {
  const exporter = new InMemorySpanExporter();
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  const twilioApi = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let stopTracing: StopTelemetry = async () => {};
  let t: TestHost;

  const post = (path: string, body: string, signature: string) =>
    fetch(`${t.host.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body,
    });
  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((span) => span.name === name);
  const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

  beforeAll(async () => {
    stopTracing = await startLocalTracing(new SimpleSpanProcessor(exporter));
    await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
    const { port } = cosmos.address() as AddressInfo;
    const { connectionString } = await broker.start();
    const apiUrl = await twilioApi.start();
    t = await startTestHost(
      {
        COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('any key').toString('base64')};`,
        COSMOS_DATABASE: 'sms-traces',
        ServiceBusConnection: connectionString,
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
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
    await stopTracing();
  });

  it('puts the webhook, the inbound worker, the assignment and the outbound send in one trace', async () => {
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.eventually(async () => Object.values(queueNames).every((q) => broker.depth(q) === 0), 'idle');

    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const response = await post(request.path, request.body, request.headers['x-twilio-signature'] ?? '');
    expect(response.status).toBe(200);
    const assigned = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations[0];
    }, 'assignment');
    const reply = await t.api('POST', `conversations/${assigned.id}/messages`, {
      agentId: 'alice',
      text: REPLY_TEXT,
    });
    expect(reply.status).toBe(202);
    await t.eventually(async () => twilioApi.sends[0], 'the send at Twilio');
    await t.eventually(async () => named('outboundWorker').length > 0, 'the outbound span');

    const [webhook, ...otherWebhooks] = named('twilioInbound');
    expect(webhook).toBeDefined();
    expect(otherWebhooks).toEqual([]);
    const trace = traceOf(webhook as ReadableSpan);
    const inTrace = spans().filter((span) => traceOf(span) === trace);
    const names = inTrace.map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'twilioInbound',
        `send ${queueNames.inbound}`,
        'inboundWorker',
        `send ${queueNames.assignment}`,
        'assignmentWorker',
        `send ${queueNames.outbound}`,
        'outboundWorker',
      ]),
    );
    // Each worker continues the span that sent its message: a chain, not siblings of one root.
    const byId = new Map(inTrace.map((span) => [span.spanContext().spanId, span]));
    const parentName = (name: string) =>
      byId.get(inTrace.find((span) => span.name === name)?.parentSpanContext?.spanId ?? '')?.name;
    expect(parentName('inboundWorker')).toBe(`send ${queueNames.inbound}`);
    expect(parentName(`send ${queueNames.inbound}`)).toBe('twilioInbound');
    expect(parentName('assignmentWorker')).toBe(`send ${queueNames.assignment}`);
    expect(parentName('outboundWorker')).toBe(`send ${queueNames.outbound}`);
    // The reply's HTTP request is a trace of its own; only its message joined the customer's.
    const [replyRequest] = named('conversationReply');
    expect(replyRequest && traceOf(replyRequest)).not.toBe(trace);
  });

  it('traces the delivery report through the webhook and the inbound worker', async () => {
    const send = twilioApi.sends[0];
    const callbackUrl = send?.params.StatusCallback ?? '';
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
    const [webhook] = await t.eventually(async () => {
      const found = named('twilioStatus');
      return found.length > 0 && found;
    }, 'the status webhook span');
    const trace = traceOf(webhook as ReadableSpan);
    await t.eventually(
      async () => named('inboundWorker').some((span) => traceOf(span) === trace),
      'the delivery report in the inbound worker',
    );
  });

  it('names no phone number and quotes no message text in any span name or attribute', () => {
    expect(spans().length).toBeGreaterThan(10);
    const shown = spans().flatMap((span) => [
      span.name,
      ...Object.entries(span.attributes).map(([key, value]) => `${key}=${String(value)}`),
      ...span.events.map((event) => event.name),
      span.status.message ?? '',
    ]);
    for (const secret of secrets) {
      expect(shown.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
