import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import {
  cosmosConnectionString,
  freePort,
  type InvocationAnswer,
  type Registered,
  register,
  startAzureStandIns,
  startCosmosStandIn,
  startWorker,
} from '../support/functions-host.js';

/** Without App Service Authentication the signed-in routes are the function keys' (authLevel function). */
describe('functions/index.ts on the Functions host', () => {
  let standIns: Awaited<ReturnType<typeof startAzureStandIns>>;
  let functions: Map<string, Registered>;

  const trigger = (name: string) => {
    const registered = functions.get(name);
    const found = Object.values(registered?.bindings ?? {}).find((b) => b.direction === 'in');
    if (!found) throw new Error(`${name} registered no trigger`);
    return found;
  };

  beforeAll(async () => {
    standIns = await startAzureStandIns();
    functions = new Map((await register(standIns.env)).map((r) => [r.name, r]));
  });
  afterAll(async () => {
    await standIns.stop();
  });

  it.each([
    ['health', 'health', ['GET'], 'anonymous'],
    ['twilioInbound', 'twilio/inbound', ['POST'], 'anonymous'],
    ['twilioStatus', 'twilio/status', ['POST'], 'anonymous'],
    ['teleSignCallback', 'telesign/callback', ['POST'], 'anonymous'],
    ['notificationSend', 'notifications', ['POST'], 'function'],
    ['notificationGet', 'notifications/{notificationId}', ['GET'], 'function'],
    ['agentPresence', 'agents/{agentId}/presence', ['PUT'], 'function'],
    ['conversationReply', 'conversations/{conversationId}/messages', ['POST'], 'function'],
    ['channelCredentials', 'manage/channels/{channelId}/credentials', ['GET'], 'function'],
    ['openApi', 'openapi.json', ['GET'], 'anonymous'],
  ])(
    '%s is an HTTP trigger on %s %o (%s) answering through its return value',
    (name, route, methods, authLevel) => {
      expect(trigger(name)).toMatchObject({ type: 'httpTrigger', route, methods, authLevel });
      expect(functions.get(name)?.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    },
  );

  it.each([
    ['inboundWorker', 'sms-inbound'],
    ['assignmentWorker', 'sms-assignment'],
    ['outboundWorker', 'sms-outbound'],
  ])(
    '%s is a session-enabled Service Bus trigger on %s, connected through the ServiceBusConnection setting',
    (name, queueName) => {
      expect(trigger(name)).toEqual(
        expect.objectContaining({
          type: 'serviceBusTrigger',
          direction: 'in',
          queueName,
          connection: 'ServiceBusConnection',
          isSessionsEnabled: true,
        }),
      );
    },
  );

  it('registers no trigger on a dead-letter queue: dead letters stay for operators to replay or discard', () => {
    expect(functions.has('outboundDeadLetters')).toBe(false);
  });

  it('runs the timers every minute and takes ACS events through an Event Grid trigger', () => {
    expect(trigger('autoCloseTimer')).toMatchObject({ type: 'timerTrigger', schedule: '0 */1 * * * *' });
    expect(trigger('openingTimer')).toMatchObject({ type: 'timerTrigger', schedule: '0 */1 * * * *' });
    expect(trigger('eventsPublisher')).toMatchObject({ type: 'timerTrigger', schedule: '*/10 * * * * *' });
    expect(trigger('acsEventGrid')).toMatchObject({ type: 'eventGridTrigger', direction: 'in' });
  });

  it('has no ACS webhook on Azure unless a secret is configured, and then takes only signed calls', async () => {
    expect(functions.has('acsEvents')).toBe(false);
    const withSecret = await register({ ...standIns.env, ACS_WEBHOOK_SECRET: 'a-secret-of-24-characters' });
    const acsEvents = withSecret.find((r) => r.name === 'acsEvents');
    expect(Object.values(acsEvents?.bindings ?? {}).find((b) => b.direction === 'in')).toMatchObject({
      type: 'httpTrigger',
      route: 'acs/events',
      methods: ['POST', 'OPTIONS'],
      authLevel: 'anonymous',
    });
  });

  it('registers no developer endpoint of the embedded default, and nothing twice', () => {
    expect([...functions.keys()].filter((name) => name.startsWith('local'))).toEqual([]);
    expect(functions.size).toBeGreaterThanOrEqual(25);
    expect(new Set(functions.keys()).size).toBe(functions.size);
  });
});

/**
 * Flex Consumption gives the entry point 30 seconds, and one that throws leaves the host with no
 * function at all: the entry point must register everything while Cosmos DB cannot be reached, and
 * serve once it can.
 */
describe('functions/index.ts on the Functions host, started while Cosmos DB is unreachable', () => {
  let broker: ServiceBusBroker;
  let cosmosPort: number;
  let cosmos: Awaited<ReturnType<typeof startCosmosStandIn>> | undefined;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let reachable: Registered[];

  const get = (name: string, path: string) =>
    worker.invoke({ name, http: { method: 'GET', url: `http://localhost:7071/api/${path}` } });
  const httpAnswer = (answer: InvocationAnswer) => {
    if (!('status' in answer)) throw new Error(`not an HTTP answer: ${JSON.stringify(answer)}`);
    return answer;
  };

  beforeAll(async () => {
    broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
    const { connectionString } = await broker.start();
    cosmosPort = await freePort();
    const env = {
      COSMOS_CONNECTION_STRING: cosmosConnectionString(cosmosPort),
      ServiceBusConnection: connectionString,
    };
    worker = await startWorker(env);
    const standIns = await startAzureStandIns();
    try {
      reachable = await register(standIns.env);
    } finally {
      await standIns.stop();
    }
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await cosmos?.stop();
    await broker?.stop();
  });

  it('registers every function, with the bindings it has when Cosmos DB is there', () => {
    expect(worker.registered.length).toBeGreaterThanOrEqual(25);
    expect(worker.registered).toEqual(reachable);
  });

  it('answers health with 503 while starting, naming what it waits for and no secret', async () => {
    const health = httpAnswer(await get('health', 'health'));
    expect(health.status).toBe(503);
    expect(health.headers['retry-after']).toBe('10');
    expect(health.body).toMatchObject({
      status: 'starting',
      mode: 'azure',
      waitingFor: expect.stringMatching(/Cosmos DB/),
    });
    expect(JSON.stringify(health.body)).not.toContain('AccountKey');
  });

  it('answers other HTTP calls with 503 and Retry-After, so callers try again', async () => {
    const answer = httpAnswer(await get('openApi', 'openapi.json'));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('10');
    expect(answer.body).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('lets a timer skip its turn instead of failing', async () => {
    expect(await worker.invoke({ name: 'autoCloseTimer', timer: true })).toEqual({ result: null });
  });

  it('serves once Cosmos DB can be reached', async () => {
    cosmos = await startCosmosStandIn(cosmosPort);
    let health = httpAnswer(await get('health', 'health'));
    // The start is retried with backoff (at most 30 s apart); health says when it is done.
    for (let i = 0; i < 90 && health.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      health = httpAnswer(await get('health', 'health'));
    }
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', mode: 'azure' } });
    const document = httpAnswer(await get('openApi', 'openapi.json'));
    expect(document.status).toBe(200);
    expect(document.body).toMatchObject({ openapi: expect.any(String) });
    expect(await worker.invoke({ name: 'autoCloseTimer', timer: true })).toEqual({ result: null });
  }, 120_000);
});
