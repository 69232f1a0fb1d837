import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';

interface Binding {
  type: string;
  direction: string;
  [key: string]: unknown;
}
interface Registered {
  name: string;
  bindings: Record<string, Binding>;
  retryOptions?: unknown;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Loads the compiled functions/index.js as the Functions host's Node.js worker would (the package's
 * "main"), with the worker's core module replaced by a recorder, on the Azure adapters (Cosmos DB
 * and Service Bus test servers), and returns the metadata every function registered.
 */
function register(env: Record<string, string>): Promise<Registered[]> {
  const script = `await import(${JSON.stringify(`${root}dist/functions/index.js`)});
process.stdout.write(JSON.stringify(globalThis.__functionsHostRegistrations));
process.exit(0);`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--require', `${root}test/support/fake-functions-core.cjs`, '--input-type=module', '-e', script],
      { cwd: root, env: { PATH: process.env.PATH ?? '', SMS_LOG_LEVEL: 'error', ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

/** Without App Service Authentication the signed-in routes are the function keys' (authLevel function). */
describe('functions/index.ts on the Functions host', () => {
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  let functions: Map<string, Registered>;

  const trigger = (name: string) => {
    const registered = functions.get(name);
    const found = Object.values(registered?.bindings ?? {}).find((b) => b.direction === 'in');
    if (!found) throw new Error(`${name} registered no trigger`);
    return found;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
    const { port } = cosmos.address() as AddressInfo;
    const { connectionString } = await broker.start();
    const registered = await register({
      COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('k').toString('base64')};`,
      ServiceBusConnection: connectionString,
    });
    functions = new Map(registered.map((r) => [r.name, r]));
  });
  afterAll(async () => {
    await broker.stop();
    await new Promise<void>((resolve) => cosmos.close(() => resolve()));
  });

  it.each([
    ['health', 'health', ['GET'], 'anonymous'],
    ['twilioInbound', 'twilio/inbound', ['POST'], 'anonymous'],
    ['twilioStatus', 'twilio/status', ['POST'], 'anonymous'],
    ['acsEvents', 'acs/events', ['POST', 'OPTIONS'], 'anonymous'],
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

  it('marks outbound messages Service Bus dead-lettered through a trigger on the dead-letter queue', () => {
    expect(trigger('outboundDeadLetters')).toMatchObject({
      type: 'serviceBusTrigger',
      queueName: 'sms-outbound/$DeadLetterQueue',
      connection: 'ServiceBusConnection',
      isSessionsEnabled: false,
    });
  });

  it('runs the timers every minute and takes ACS events through an Event Grid trigger', () => {
    expect(trigger('autoCloseTimer')).toMatchObject({ type: 'timerTrigger', schedule: '0 */1 * * * *' });
    expect(trigger('openingTimer')).toMatchObject({ type: 'timerTrigger', schedule: '0 */1 * * * *' });
    expect(trigger('acsEventGrid')).toMatchObject({ type: 'eventGridTrigger', direction: 'in' });
  });

  it('registers no developer endpoint of the embedded default, and nothing twice', () => {
    expect([...functions.keys()].filter((name) => name.startsWith('local'))).toEqual([]);
    expect(functions.size).toBeGreaterThanOrEqual(25);
    expect(new Set(functions.keys()).size).toBe(functions.size);
  });
});
