import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { teleSignCallbackFunction } from '../../functions/telesign-callback.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';
import { countingStore, type Operation } from '../../stand-ins/counting-store.js';
import { jsonFixture } from '../support/fixtures.js';

const { HttpRequest, InvocationContext } = azureFunctions;

const deployment = {
  customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
  apiKey: 'ABC12345yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==',
};
/** A second TeleSign customer, named by the `sales` channel, its API key held by name. */
const sales = {
  customerId: 'AAAAAAAA-BBBB-CCCC-1234-AB1234567890',
  apiKey: Buffer.from('sales key').toString('base64'),
};

const tsa = (credentials: typeof deployment, body: string) =>
  `TSA ${credentials.customerId}:${createHmac('sha256', Buffer.from(credentials.apiKey, 'base64')).update(body).digest('base64')}`;

/** A delivery report as TeleSign posts it to the callback URL our send gave it. */
const report = JSON.stringify(jsonFixture('telesign/telesign-dlr.delivered.callback.json'));

/**
 * TeleSign's callback endpoint chooses the account a callback must be signed by from the channels
 * in memory: nothing is read from the store before the signature matched, so forged callbacks
 * cost no reads.
 */
describe("TeleSign's callback checks the signature before it reads anything", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-ts-cb-'));
  let app: App;
  let counted: App;
  let operations: Operation[];

  beforeAll(async () => {
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: ['+18005550100'],
            provider: 'telesign',
            defaultQueueId: 'general',
          },
          {
            id: 'sales',
            name: 'Sales',
            numbers: ['+18005550111'],
            provider: 'telesign',
            defaultQueueId: 'general',
            telesign: { customerId: sales.customerId, apiKeySecret: 'telesign-sales-api-key' },
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    app = await createApp(
      loadConfig({
        SMS_DATA_DIR: dir,
        SMS_SEED_FILE: seed,
        SMS_CLOCK: 'manual',
        SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
        TELESIGN_CUSTOMER_ID: deployment.customerId,
        TELESIGN_API_KEY: deployment.apiKey,
        SMS_SECRETS: JSON.stringify({ 'telesign-sales-api-key': sales.apiKey }),
      }),
      { logSink: () => {} },
    );
    const counting = countingStore(app.deps.store);
    operations = counting.operations;
    counted = { ...app, deps: { ...app.deps, store: counting.store } };
  });
  beforeEach(() => {
    operations.length = 0;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, headers: Record<string, string>) =>
    teleSignCallbackFunction(counted).handler(
      new HttpRequest({
        method: 'POST',
        url: 'https://func-contoso-sms.azurewebsites.net/api/telesign/callback?conversationId=c-1&messageId=m-1',
        headers: { 'content-type': 'application/json', ...headers },
        body: { string: body },
      }),
      new InvocationContext({ functionName: 'teleSignCallback', invocationId: 'i1' }),
    );
  const status = async (answer: Awaited<ReturnType<typeof post>>) => (answer as { status?: number }).status;

  it('refuses an unsigned delivery report with 401 and reads nothing', async () => {
    expect(await status(await post(report, {}))).toBe(401);
    expect(operations).toEqual([]);
  });

  it('refuses a delivery report signed with a key no account holds with 403 and reads nothing', async () => {
    const forger = {
      customerId: deployment.customerId,
      apiKey: Buffer.from('not our key').toString('base64'),
    };
    expect(await status(await post(report, { authorization: tsa(forger, report) }))).toBe(403);
    expect(await status(await post(report, { 'x-ts-authorization': 'bm90IGEgc2lnbmF0dXJl' }))).toBe(403);
    expect(operations).toEqual([]);
  });

  it("accepts a report signed by either account: the deployment's or the one a channel names", async () => {
    expect(await status(await post(report, { authorization: tsa(deployment, report) }))).toBe(200);
    expect(await status(await post(report, { authorization: tsa(sales, report) }))).toBe(200);
  });

  it('answers a signed body that is not JSON with 400, saying so, and reads nothing', async () => {
    const broken = '{"reference_id": "0123456789ABCDEF';
    const answer = await post(broken, { authorization: tsa(deployment, broken) });
    expect(await status(answer)).toBe(400);
    expect(JSON.stringify((answer as { jsonBody?: unknown }).jsonBody)).toContain(
      'request body is not valid JSON',
    );
    expect(operations).toEqual([]);
  });
});
