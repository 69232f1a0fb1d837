import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InvocationAnswer,
  type Registered,
  register,
  startAzureStandIns,
  startWorker,
} from '../support/functions-host.js';
import { readHttpFixture } from '../support/http-fixture.js';

/** What a cold instance loads only once a channel, an admin or a publisher needs it. */
const ON_FIRST_USE = [
  'twilio',
  '@azure/communication-sms',
  '@azure/arm-communication',
  '@azure/eventgrid',
  '@azure/web-pubsub',
  '@azure/keyvault-secrets',
  '@azure/identity',
  '@azure/monitor-opentelemetry',
  'better-sqlite3',
];

/**
 * A cold instance answers its first webhook with only what that webhook needs: the SDKs of each
 * provider, of management (ARM) and of publishing (Event Grid, Web PubSub, Key Vault, the identity)
 * are imported when first used. Every provider, publisher and the identity are configured here,
 * so each would be loaded at start-up if it were imported there.
 */
describe('functions/index.ts loads each SDK at its first use', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-lazy-'));
  let standIns: Awaited<ReturnType<typeof startAzureStandIns>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let env: Record<string, string>;

  const loaded = async () => {
    const answer = await worker.invoke({ name: 'health', loadedPackages: true });
    if (!('result' in answer)) throw new Error(JSON.stringify(answer));
    return answer.result as string[];
  };
  const status = (answer: InvocationAnswer) => ('status' in answer ? answer.status : answer);

  beforeAll(async () => {
    standIns = await startAzureStandIns();
    const seedFile = join(dir, 'seed.json');
    const channel = (id: string, provider: string, number: string) => ({
      id,
      name: id,
      numbers: [number],
      provider,
      defaultQueueId: 'general',
    });
    writeFileSync(
      seedFile,
      JSON.stringify({
        channels: [
          channel('tw', 'twilio', '+12065550100'),
          channel('acs', 'acs', '+18005550100'),
          channel('ts', 'telesign', '+18005550101'),
        ],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    env = {
      ...standIns.env,
      SMS_SEED_FILE: seedFile,
      SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
      TWILIO_ACCOUNT_SID: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      TWILIO_AUTH_TOKEN: '12345abcde67890fghij12345abcde67',
      ACS_ENDPOINT: 'https://acs-contoso.communication.azure.com',
      ACS_WEBHOOK_SECRET: 'lazy-loading-webhook-secret-0123',
      TELESIGN_CUSTOMER_ID: 'LAZY-CUSTOMER',
      TELESIGN_API_KEY: Buffer.from('lazy-telesign-api-key').toString('base64'),
      EVENTGRID_TOPIC_ENDPOINT: 'https://evgt-contoso.westeurope-1.eventgrid.azure.net/api/events',
      WEB_PUBSUB_ENDPOINT: 'https://wps-contoso.webpubsub.azure.com',
    };
    worker = await startWorker(env, undefined, { recordPackages: true });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await standIns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the same functions as without the recorder, every provider configured', async () => {
    const plain: Registered[] = await register(env);
    expect(worker.registered.length).toBeGreaterThanOrEqual(25);
    expect(worker.registered).toEqual(plain);
  });

  it('answers a signed Twilio webhook on Cosmos DB and Service Bus without any provider, management or publishing SDK', async () => {
    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const invoke = () =>
      worker.invoke({
        name: 'twilioInbound',
        http: {
          method: 'POST',
          url: `http://localhost:7071${request.path}`,
          headers: request.headers,
          body: request.body,
        },
      });
    let answer = await invoke();
    // The services start in the background; the webhook is asked again while they do.
    for (let i = 0; i < 60 && status(answer) === 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await invoke();
    }
    expect(status(answer)).toBe(200);
    const packages = await loaded();
    expect(packages).toEqual(expect.arrayContaining(['@azure/cosmos', '@azure/service-bus']));
    expect(packages.filter((name) => ON_FIRST_USE.includes(name))).toEqual([]);
  }, 60_000);

  it('reads an ACS Event Grid delivery without the Event Grid SDK', async () => {
    const request = readHttpFixture('acs/eventgrid-notification.http.txt');
    const answer = await worker.invoke({
      name: 'acsEvents',
      http: {
        method: 'POST',
        url: `http://localhost:7071${request.path}`,
        headers: { ...request.headers, 'x-sms-webhook-secret': env.ACS_WEBHOOK_SECRET ?? '' },
        body: request.body,
      },
    });
    expect(status(answer)).toBe(200);
    expect(await loaded()).not.toContain('@azure/eventgrid');
  }, 60_000);
});
