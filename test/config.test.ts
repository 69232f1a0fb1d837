import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { ConfigurationError } from '../shared/errors.js';

describe('configuration loader', () => {
  it('runs on defaults with an empty environment: the embedded default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: '.data',
      seedFile: 'config/seed.json',
      clock: 'system',
      local: { port: 7071, consumers: true, concurrency: 4, outboundConcurrency: 16 },
      queue: { lockMs: 30_000, maxDeliveryCount: 10, duplicateWindowMs: 600_000 },
      autoClose: { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 },
    });
  });

  it('sends no telemetry by default; Application Insights when its connection string is set', () => {
    expect(loadConfig({}).telemetry).toEqual({
      azureMonitor: undefined,
      traces: 'off',
      otlpUrl: 'http://localhost:4318/v1/traces',
    });
    const connectionString =
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
    expect(
      loadConfig({
        APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
      }).telemetry.azureMonitor,
    ).toEqual({ connectionString, entraAuth: true });
    expect(loadConfig({ SMS_TRACES: 'otlp' }).telemetry.traces).toBe('otlp');
    expect(() => loadConfig({ SMS_TRACES: 'jaeger' })).toThrow('SMS_TRACES');
    expect(() => loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'abc' })).toThrow(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
    );
  });

  it('reads the settings it knows and ignores the rest of the environment', () => {
    const config = loadConfig({ SMS_LOCAL_PORT: '7100', SMS_LOCAL_CONSUMERS: 'off', PATH: '/usr/bin' });
    expect(config.local).toMatchObject({ port: 7100, consumers: false });
  });

  it.each([
    [{ SMS_LOCAL_PORT: 'seventy' }, 'SMS_LOCAL_PORT'],
    [{ SMS_CLOCK: 'sundial' }, 'SMS_CLOCK'],
    [{ SMS_QUEUE_LOCK_SECONDS: '1' }, 'SMS_QUEUE_LOCK_SECONDS'],
    [{ SMS_AUTO_CLOSE_DEFAULT_MINUTES: '2' }, 'SMS_AUTO_CLOSE_DEFAULT_MINUTES'],
  ])('stops on a bad setting and names it: %o', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  const cosmos = { COSMOS_ENDPOINT: 'https://contoso-sms.documents.azure.com:443/' };
  const bus = { ServiceBusConnection__fullyQualifiedNamespace: 'contoso-sms.servicebus.windows.net' };

  it('chooses the embedded default when no Azure setting is present, with the dev sign-in', () => {
    expect(loadConfig({})).toMatchObject({
      mode: 'embedded',
      azure: undefined,
      seedFile: 'config/seed.json',
      identity: 'dev-sign-in',
    });
    expect(loadConfig({ SMS_DEV_SIGN_IN: 'off' }).identity).toBe('function-keys');
  });

  it('chooses Cosmos DB and Service Bus by managed identity when their endpoints are set', () => {
    expect(loadConfig({ ...cosmos, ...bus })).toMatchObject({
      mode: 'azure',
      seedFile: undefined,
      identity: 'function-keys',
      azure: {
        cosmos: { endpoint: cosmos.COSMOS_ENDPOINT, database: 'sms', container: 'state' },
        serviceBus: { namespace: bus.ServiceBusConnection__fullyQualifiedNamespace },
      },
    });
  });

  it('takes connection strings for development, and believes App Service Authentication only when App Service says it is on', () => {
    const config = loadConfig({
      COSMOS_CONNECTION_STRING: 'AccountEndpoint=https://localhost:8081/;AccountKey=a2V5;',
      ServiceBusConnection:
        'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true',
      WEBSITE_AUTH_ENABLED: 'True',
    });
    expect(config.azure?.cosmos).toMatchObject({
      connectionString: expect.stringContaining('AccountEndpoint='),
    });
    expect(config.azure?.serviceBus).toMatchObject({
      connectionString: expect.stringContaining('Endpoint=sb://'),
    });
    expect(config.identity).toBe('app-service');
    expect(loadConfig({ ...cosmos, ...bus, WEBSITE_AUTH_ENABLED: 'False' }).identity).toBe('function-keys');
  });

  it.each([
    [
      { ...cosmos },
      /Cosmos DB is set but Service Bus is not: set ServiceBusConnection__fullyQualifiedNamespace/,
    ],
    [{ ...bus }, /Service Bus is set but Cosmos DB is not: set COSMOS_ENDPOINT/],
    [
      { ...cosmos, ...bus, COSMOS_CONNECTION_STRING: 'AccountEndpoint=https://x/;AccountKey=a2V5;' },
      /set COSMOS_ENDPOINT \(managed identity\) or COSMOS_CONNECTION_STRING, not both/,
    ],
    [
      { ...cosmos, ...bus, ServiceBusConnection: 'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b' },
      /ServiceBusConnection__fullyQualifiedNamespace \(managed identity\) or ServiceBusConnection, not both/,
    ],
    [{ ...cosmos, ...bus, SMS_DEV_SIGN_IN: 'on' }, /SMS_DEV_SIGN_IN is for the embedded default only/],
    [{ ...cosmos, ...bus, COSMOS_DATABASE: 'a b' }, /COSMOS_DATABASE/],
  ])('stops on a missing or contradictory Azure setting and names it: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe("channels' provider secrets", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'vault.pem'), pem);
    writeFileSync(join(dir, 'not-a-certificate.txt'), 'hello');
    const vault = { SMS_KEY_VAULT_URL: 'https://contoso-sms-kv.vault.azure.net/' };

    it('reads them from Key Vault, trusting the certificate file given, with the identity the settings name', () => {
      const config = loadConfig({
        ...vault,
        SMS_KEY_VAULT_CA_FILE: join(dir, 'vault.pem'),
        SMS_SECRET_CACHE_SECONDS: '60',
        SMS_DEV_IDENTITY_ENDPOINT: 'http://127.0.0.1:40123/msi/token',
      });
      expect(config.secrets).toEqual({
        keyVaultUrl: 'https://contoso-sms-kv.vault.azure.net',
        cacheMs: 60_000,
        ca: pem,
      });
      expect(config.devIdentityEndpoint).toBe('http://127.0.0.1:40123/msi/token');
      expect(loadConfig(vault)).toMatchObject({ secrets: { ca: undefined }, devIdentityEndpoint: undefined });
      expect(loadConfig({ SMS_SECRETS: '{"twilio-a-token": "t"}' }).secrets).toEqual({
        values: { 'twilio-a-token': 't' },
      });
    });

    it.each([
      [
        { ...vault, SMS_KEY_VAULT_CA_FILE: join(dir, 'missing.pem') },
        /SMS_KEY_VAULT_CA_FILE: cannot read .*missing\.pem/,
      ],
      [
        { ...vault, SMS_KEY_VAULT_CA_FILE: join(dir, 'not-a-certificate.txt') },
        /SMS_KEY_VAULT_CA_FILE: .* holds no PEM certificate/,
      ],
      [
        { SMS_KEY_VAULT_CA_FILE: join(dir, 'vault.pem') },
        /SMS_KEY_VAULT_CA_FILE is the certificate of the vault at SMS_KEY_VAULT_URL, which is not set/,
      ],
      [
        { SMS_DEV_IDENTITY_ENDPOINT: 'https://tokens.example.com/msi/token' },
        /SMS_DEV_IDENTITY_ENDPOINT: a URL on this machine/,
      ],
      [{ SMS_KEY_VAULT_URL: 'http://contoso-sms-kv.vault.azure.net' }, /SMS_KEY_VAULT_URL/],
      [{ ...vault, SMS_SECRETS: '{}' }, /SMS_KEY_VAULT_URL \(Key Vault\) or SMS_SECRETS/],
      [{ SMS_SECRETS: '{"bad name": "x"}' }, /SMS_SECRETS.bad name/],
    ])('stops on a bad or contradictory secrets setting and names it: %o', (env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigurationError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  });
});
