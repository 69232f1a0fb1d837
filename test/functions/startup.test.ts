import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';
import { deferredFunctions } from '../../functions/deferred.js';
import type { FunctionDefinition } from '../../functions/definition.js';
import { registrationApp, type Services, Startup } from '../../functions/startup.js';
import type { App } from '../../shared/app.js';
import { loadConfig, loadStartupConfig } from '../../shared/config.js';
import { ConfigurationError, UnavailableError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/logger.js';

const azure = {
  COSMOS_ENDPOINT: 'https://contoso.documents.azure.com:443/',
  ServiceBusConnection__fullyQualifiedNamespace: 'contoso.servicebus.windows.net',
};
const reference = (secret: string) => `@Microsoft.KeyVault(VaultName=kv-sms-abc;SecretName=${secret})`;

describe('an unresolved Key Vault reference', () => {
  it('stops the configuration, naming the setting and never its text', () => {
    const env = { ...azure, TELESIGN_CUSTOMER_ID: 'C-1', TELESIGN_API_KEY: reference('telesign-api-key') };
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(/TELESIGN_API_KEY: unresolved Key Vault reference/);
    expect(() => loadConfig(env)).not.toThrow(/VaultName|telesign-api-key/);
  });

  it('is never taken for the ACS webhook secret it stands for', () => {
    expect(() => loadConfig({ ...azure, ACS_WEBHOOK_SECRET: reference('acs-webhook-secret') })).toThrow(
      /ACS_WEBHOOK_SECRET: unresolved Key Vault reference/,
    );
  });

  it('still gives the Functions host a configuration to register with, and the problem', () => {
    const { config, problem } = loadStartupConfig({
      ...azure,
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: reference('twilio-auth-token'),
    });
    expect(config.mode).toBe('azure');
    expect(config.twilio).toBeUndefined();
    expect(problem?.message).toMatch(/TWILIO_AUTH_TOKEN: unresolved Key Vault reference/);
    expect(loadStartupConfig(azure).problem).toBeUndefined();
  });
});

const context = () => new InvocationContext({ functionName: 'test', logHandler: () => {} });
const request = () => new HttpRequest({ method: 'GET', url: 'http://localhost/api/x' });
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/** A function of each kind, recording what reached the started app's handlers. */
function definitions(calls: string[]): FunctionDefinition[] {
  return [
    {
      kind: 'http',
      name: 'health',
      route: 'health',
      methods: ['GET'],
      authLevel: 'anonymous',
      handler: async () => ({ status: 200, jsonBody: { status: 'ok' } }),
    },
    {
      kind: 'http',
      name: 'things',
      route: 'things',
      methods: ['GET'],
      authLevel: 'function',
      handler: async () => {
        calls.push('things');
        return { status: 200 };
      },
    },
    {
      kind: 'serviceBusQueue',
      name: 'worker',
      queueName: 'sms-inbound',
      connection: 'ServiceBusConnection',
      isSessionsEnabled: true,
      handler: async () => {
        calls.push('worker');
      },
    },
    { kind: 'timer', name: 'tick', schedule: '0 */1 * * * *', handler: async () => void calls.push('tick') },
    { kind: 'eventGrid', name: 'events', handler: async () => void calls.push('events') },
  ];
}

const waits = { httpMs: 0, queueMs: 5, eventGridMs: 0 };
const byName = (list: FunctionDefinition[]) => new Map(list.map((f) => [f.name, f]));
function find<K extends FunctionDefinition['kind']>(list: FunctionDefinition[], name: string, kind: K) {
  const found = list.find((f) => f.name === name);
  if (found?.kind !== kind) throw new Error(`no ${kind} ${name}`);
  return found as Extract<FunctionDefinition, { kind: K }>;
}

describe('functions registered before the services have started', () => {
  it('fail while starting in the way each trigger retries, then reach the started handlers', async () => {
    const calls: string[] = [];
    let finish: (services: Services) => void = () => {};
    const startup = Startup.begin(() => new Promise<Services>((resolve) => (finish = resolve)), {
      logger: silentLogger,
    });
    const deferred = deferredFunctions(definitions([]), startup, silentLogger, waits);
    expect(deferred.map((f) => f.name)).toEqual(['health', 'things', 'worker', 'tick', 'events']);

    const health = await find(deferred, 'health', 'http').handler(request(), context());
    expect(health).toMatchObject({ status: 503, jsonBody: { status: 'starting' } });
    const things = await find(deferred, 'things', 'http').handler(request(), context());
    expect(things).toMatchObject({ status: 503, headers: { 'retry-after': '10' } });
    // The queue message is abandoned (the throw), so Service Bus redelivers it.
    await expect(find(deferred, 'worker', 'serviceBusQueue').handler({}, context())).rejects.toThrow(
      UnavailableError,
    );
    await expect(find(deferred, 'events', 'eventGrid').handler({} as never, context())).rejects.toThrow(
      UnavailableError,
    );
    await find(deferred, 'tick', 'timer').handler(timer, context());

    finish({ app: {} as App, functions: byName(definitions(calls)) });
    await startup.services(1000);
    expect(await find(deferred, 'health', 'http').handler(request(), context())).toMatchObject({
      status: 200,
    });
    await find(deferred, 'things', 'http').handler(request(), context());
    await find(deferred, 'worker', 'serviceBusQueue').handler({}, context());
    await find(deferred, 'tick', 'timer').handler(timer, context());
    await find(deferred, 'events', 'eventGrid').handler({} as never, context());
    expect(calls).toEqual(['things', 'worker', 'tick', 'events']);
  });

  it('retry a failed start with backoff, saying what they wait for', async () => {
    let attempts = 0;
    const delays: number[] = [];
    const waitingFor: (string | undefined)[] = [];
    const startup = Startup.begin(
      async () => {
        attempts++;
        if (attempts < 3) throw new ConfigurationError('Cosmos DB container sms/state cannot be read');
        return { app: {} as App, functions: new Map() };
      },
      {
        logger: silentLogger,
        sleep: async (ms) => {
          delays.push(ms);
          const state = startup.state();
          waitingFor.push(state.status === 'starting' ? state.waitingFor : state.status);
        },
      },
    );
    await vi.waitFor(() => expect(startup.state()).toEqual({ status: 'ready' }));
    expect(attempts).toBe(3);
    expect(delays).toEqual([1000, 2000]);
    expect(waitingFor).toEqual([
      'Cosmos DB container sms/state cannot be read',
      'Cosmos DB container sms/state cannot be read',
    ]);
  });

  it('leave queue triggers and timers out while a setting is wrong, and say which', async () => {
    const problem = new ConfigurationError(
      'invalid settings: TWILIO_AUTH_TOKEN: unresolved Key Vault reference',
    );
    const startup = Startup.misconfigured(problem, { logger: silentLogger });
    const deferred = deferredFunctions(definitions([]), startup, silentLogger, waits);
    expect(deferred.map((f) => f.name)).toEqual(['health', 'things', 'events']);
    const health = await find(deferred, 'health', 'http').handler(request(), context());
    expect(health).toMatchObject({
      status: 503,
      jsonBody: { status: 'misconfigured', problem: expect.stringContaining('TWILIO_AUTH_TOKEN') },
    });
    const things = await find(deferred, 'things', 'http').handler(request(), context());
    expect(things).toMatchObject({ status: 503, headers: { 'retry-after': '300' } });
  });

  it('build their registrations from the configuration alone', () => {
    const app = registrationApp(loadConfig(azure), silentLogger);
    expect(app.config.mode).toBe('azure');
    expect(app.deps.logger).toBe(silentLogger);
    expect(() => app.deps.store).toThrow(UnavailableError);
    expect(() => app.directory).toThrow(UnavailableError);
  });
});
