import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityEndpoint } from '../../stand-ins/identity-endpoint.js';
import { KeyVaultStandIn } from '../../stand-ins/key-vault.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { TeleSignApiServer } from '../support/telesign-api-server.js';

const PUBLIC_BASE = 'https://func-contoso-sms.azurewebsites.net';
/** The deployment's account (settings), still serving the channels that name none. */
const DEFAULT_SID = `AC${'d'.repeat(32)}`;
const DEFAULT_TOKEN = 'default-token-0123456789abcdef01';
/** Northwind's account sends through its Messaging Service; Southridge's from its number. */
const NORTH_SID = `AC${'1'.repeat(32)}`;
const NORTH_TOKEN = 'north-token-0123456789abcdef0123';
const NORTH_SERVICE = `MG${'1'.repeat(32)}`;
const SOUTH_SID = `AC${'2'.repeat(32)}`;
const SOUTH_TOKEN = 'south-token-0123456789abcdef0123';
/** Westwood's secret holds a token its account no longer takes. */
const WEST_SID = `AC${'3'.repeat(32)}`;

const NORTH = '+12065550101';
const SOUTH = '+12065550102';
const WEST = '+12065550103';
const CENTRAL = '+12065550104';
const flow = { user: 'order-flow', roles: 'notifier' };

const twilioChannel = (id: string, number: string, account?: Record<string, string>) => ({
  id,
  name: `${id} on Twilio`,
  numbers: [number],
  provider: 'twilio',
  ...(account ? { twilio: account } : {}),
  defaultQueueId: 'general',
});

/** Twilio posting an inbound text to a host's webhook, signed with `token`. */
function inboundTo(t: TestHost, token: string, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(token, `${PUBLIC_BASE}/api/twilio/inbound`, params);
  return fetch(`${t.host.url}/api/twilio/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

const text = (accountSid: string, from: string, to: string, body: string, sid: string) => ({
  MessageSid: sid,
  AccountSid: accountSid,
  From: from,
  To: to,
  Body: body,
  NumMedia: '0',
});

/**
 * Channels on their own Twilio accounts, through the local host: each webhook is checked with the
 * account of the channel owning the `To` number, each send goes out with its channel's account
 * and Messaging Service, and the credential check answers for each channel's own account. The
 * Twilio stand-in holds the four accounts and checks each request's credentials and service
 * against the account its path names, as Twilio does.
 */
describe("channels on their own providers' accounts", () => {
  const api = new TwilioApiServer(DEFAULT_SID, DEFAULT_TOKEN);
  api.addAccount(NORTH_SID, NORTH_TOKEN, { messagingServices: [NORTH_SERVICE] });
  api.addAccount(SOUTH_SID, SOUTH_TOKEN, { messagingServices: [] });
  api.addAccount(WEST_SID, 'west-token-now-0123456789abcdef0');
  let t: TestHost;

  const inbound = (token: string, params: Record<string, string>) => inboundTo(t, token, params);
  const queued = async () =>
    (await t.api('GET', 'queues/general/conversations')).body.conversations as {
      customer: string;
      channelNumber: string;
    }[];

  beforeAll(async () => {
    const apiUrl = await api.start();
    t = await startTestHost(
      {
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TWILIO_ACCOUNT_SID: DEFAULT_SID,
        TWILIO_AUTH_TOKEN: DEFAULT_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
        SMS_SECRETS: JSON.stringify({
          'twilio-north-token': NORTH_TOKEN,
          'twilio-south-token': SOUTH_TOKEN,
          'twilio-west-token': 'west-token-before-0123456789abcd',
        }),
      },
      {
        channels: [
          twilioChannel('north', NORTH, {
            accountSid: NORTH_SID,
            authTokenSecret: 'twilio-north-token',
            messagingServiceSid: NORTH_SERVICE,
          }),
          twilioChannel('south', SOUTH, { accountSid: SOUTH_SID, authTokenSecret: 'twilio-south-token' }),
          twilioChannel('west', WEST, { accountSid: WEST_SID, authTokenSecret: 'twilio-west-token' }),
          twilioChannel('central', CENTRAL),
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await api.stop();
  });

  it("takes a text signed with the account of the channel owning the To number, and refuses one signed with another channel's account (403, nothing stored)", async () => {
    const toNorth = text(NORTH_SID, '+14255550131', NORTH, 'Where is my order?', `SM${'a'.repeat(32)}`);
    expect((await inbound(NORTH_TOKEN, toNorth)).status).toBe(200);
    const toSouth = text(
      SOUTH_SID,
      '+14255550132',
      SOUTH,
      'Signed by the wrong account',
      `SM${'b'.repeat(32)}`,
    );
    expect((await inbound(NORTH_TOKEN, toSouth)).status).toBe(403);
    // Nor does the deployment's token open another account's channel.
    expect((await inbound(DEFAULT_TOKEN, toSouth)).status).toBe(403);
    // The default account still serves the channel that names none, and only it.
    const toCentral = text(DEFAULT_SID, '+14255550133', CENTRAL, 'Hello', `SM${'c'.repeat(32)}`);
    expect((await inbound(NORTH_TOKEN, toCentral)).status).toBe(403);
    expect((await inbound(DEFAULT_TOKEN, toCentral)).status).toBe(200);
    await t.settle();
    const conversations = await queued();
    expect(conversations.map((c) => c.channelNumber).sort()).toEqual([NORTH, CENTRAL]);
    expect(conversations.some((c) => c.customer === '+14255550132')).toBe(false);
    expect(t.logs.join('\n')).toContain('"webhook.rejected"');
    expect(t.logs.join('\n')).not.toContain('+14255550132');
  });

  it("sends each channel's messages with its own account: Northwind's through its Messaging Service, Southridge's from its number", async () => {
    for (const [channelId, to] of [
      ['north', '+14255550141'],
      ['south', '+14255550142'],
      ['central', '+14255550143'],
    ] as const) {
      const sent = await t.api(
        'POST',
        'notifications',
        { channelId, to, text: `Hello from ${channelId}` },
        flow,
      );
      expect(sent.status).toBe(202);
    }
    await t.eventually(async () => api.sends.length === 3, 'the three sends at Twilio');
    expect(api.sendsOf(NORTH_SID).map((s) => s.params)).toEqual([
      expect.objectContaining({ To: '+14255550141', MessagingServiceSid: NORTH_SERVICE }),
    ]);
    expect(api.sendsOf(NORTH_SID)[0]?.params.From).toBeUndefined();
    expect(api.sendsOf(SOUTH_SID).map((s) => s.params)).toEqual([
      expect.objectContaining({ To: '+14255550142', From: SOUTH }),
    ]);
    expect(api.sendsOf(SOUTH_SID)[0]?.params.MessagingServiceSid).toBeUndefined();
    expect(api.sendsOf(DEFAULT_SID).map((s) => s.params)).toEqual([
      expect.objectContaining({ To: '+14255550143', From: CENTRAL }),
    ]);
    expect(api.refused).toEqual([]);
  });

  it("checks each channel's own account: Northwind's works, Westwood's token is refused and says which secret to fix", async () => {
    const north = await t.api('GET', 'manage/channels/north/credentials');
    expect(north.body).toEqual({
      channelId: 'north',
      provider: 'twilio',
      account: `Twilio account ${NORTH_SID} (auth token in secret twilio-north-token)`,
      ok: true,
      detail: 'Twilio account Contoso support is active',
    });
    const west = await t.api('GET', 'manage/channels/west/credentials');
    expect(west.status).toBe(200);
    expect(west.body).toMatchObject({
      channelId: 'west',
      account: `Twilio account ${WEST_SID} (auth token in secret twilio-west-token)`,
      ok: false,
    });
    expect(west.body.detail).toMatch(/refused.*secret twilio-west-token/);
    expect(api.refused).toEqual([`authentication ${WEST_SID}`]);
    const central = await t.api('GET', 'manage/channels/central/credentials');
    expect(central.body).toMatchObject({ account: "the deployment's account (settings)", ok: true });
  });
});

const APP_OID = '6d0f7c5e-1111-4a2b-9c3d-0e1f2a3b4c5d';

/**
 * A channel's auth token in Key Vault, reached by the local host from its settings alone: the
 * vault's URL and certificate (SMS_KEY_VAULT_URL, SMS_KEY_VAULT_CA_FILE) and a token endpoint
 * standing in for the app's identity (SMS_DEV_IDENTITY_ENDPOINT), so the queue thread, which
 * builds its own app from the configuration, reads it as the HTTP thread does. The vault stand-in
 * lets only the app's identity read. Rotating is a new version of the secret and a new token at
 * Twilio; the manual clock moves the cache along, so nothing here waits on real time.
 */
describe("a channel's auth token in Key Vault, rotated while the host runs", () => {
  const vault = new KeyVaultStandIn();
  const identity = new IdentityEndpoint(APP_OID);
  const api = new TwilioApiServer(DEFAULT_SID, DEFAULT_TOKEN);
  api.addAccount(NORTH_SID, NORTH_TOKEN, { messagingServices: [NORTH_SERVICE] });
  const caDir = mkdtempSync(join(tmpdir(), 'sms-vault-ca-'));
  let t: TestHost;
  let customers = 0;

  const notifyNorth = async () => {
    customers += 1;
    const to = `+1425555017${customers}`;
    const sent = await t.api(
      'POST',
      'notifications',
      { channelId: 'north', to, text: 'Your order shipped' },
      flow,
    );
    expect(sent.status).toBe(202);
    return t.eventually(async () => api.sends.find((send) => send.params.To === to), `the send to ${to}`);
  };
  const advanceMinutes = (minutes: number) => t.api('POST', 'local/clock', { advanceMinutes: minutes });

  beforeAll(async () => {
    const vaultUrl = await vault.start();
    vault.readers = new Set([APP_OID]);
    vault.setSecret('twilio-north-token', NORTH_TOKEN);
    writeFileSync(join(caDir, 'vault.pem'), vault.ca);
    const identityUrl = await identity.start();
    const apiUrl = await api.start();
    t = await startTestHost(
      {
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TWILIO_ACCOUNT_SID: DEFAULT_SID,
        TWILIO_AUTH_TOKEN: DEFAULT_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
        SMS_KEY_VAULT_URL: vaultUrl,
        SMS_KEY_VAULT_CA_FILE: join(caDir, 'vault.pem'),
        SMS_DEV_IDENTITY_ENDPOINT: identityUrl,
        SMS_SECRET_CACHE_SECONDS: '300',
      },
      {
        channels: [
          twilioChannel('north', NORTH, {
            accountSid: NORTH_SID,
            authTokenSecret: 'twilio-north-token',
            messagingServiceSid: NORTH_SERVICE,
          }),
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([api.stop(), vault.stop(), identity.stop()]);
    rmSync(caDir, { recursive: true, force: true });
  });

  it("reads the token from Key Vault with the app's identity, and not again while it is fresh", async () => {
    expect(identity.asked).toContain('https://vault.azure.net');
    const inbound = text(NORTH_SID, '+14255550161', NORTH, 'Hi', `SM${'e'.repeat(32)}`);
    expect((await inboundTo(t, NORTH_TOKEN, inbound)).status).toBe(200);
    expect((await notifyNorth()).accountSid).toBe(NORTH_SID);
    const reads = vault.reads.length;
    expect(reads).toBeGreaterThan(0);
    await notifyNorth();
    expect((await inboundTo(t, NORTH_TOKEN, { ...inbound, MessageSid: `SM${'f'.repeat(32)}` })).status).toBe(
      200,
    );
    expect(vault.reads.length).toBe(reads);
    expect(vault.refused.filter((r) => r.status === 403)).toEqual([]);
  });

  it('takes a rotated token at once when Twilio refuses the old one: the send goes out once and the new signature is accepted (the old one too, for the cache time: Twilio may sign with it until its switch)', async () => {
    vault.setSecret('twilio-north-token', 'north-token-rotated-0123456789ab');
    api.rotateToken(NORTH_SID, 'north-token-rotated-0123456789ab');
    // Past the guard against re-reading on every refusal (30 s), well inside the cache time (5 min).
    await advanceMinutes(1);
    const sends = api.sends.length;
    const sent = await notifyNorth();
    expect(sent.accountSid).toBe(NORTH_SID);
    expect(api.refused).toEqual([`authentication ${NORTH_SID}`]);
    await t.settle();
    expect(api.sends.length).toBe(sends + 1);
    const signed = text(NORTH_SID, '+14255550162', NORTH, 'New token', `SM${'1'.repeat(32)}`);
    expect((await inboundTo(t, 'north-token-rotated-0123456789ab', signed)).status).toBe(200);
    const stale = { ...signed, MessageSid: `SM${'2'.repeat(32)}` };
    expect((await inboundTo(t, NORTH_TOKEN, stale)).status).toBe(200);
  });

  it('takes a rotated token once the cache time has passed, before any refusal', async () => {
    vault.setSecret('twilio-north-token', 'north-token-third-0123456789abcd');
    api.rotateToken(NORTH_SID, 'north-token-third-0123456789abcd');
    const refused = api.refused.length;
    await advanceMinutes(6);
    await notifyNorth();
    const signed = text(NORTH_SID, '+14255550163', NORTH, 'Third token', `SM${'3'.repeat(32)}`);
    expect((await inboundTo(t, 'north-token-third-0123456789abcd', signed)).status).toBe(200);
    expect(api.refused.length).toBe(refused);
    expect(t.logs.join('\n')).toContain('"secret.rotated"');
    expect(t.logs.join('\n')).not.toContain('north-token-third');
  });

  it('keeps taking webhooks signed with the token being replaced until Twilio promotes the new one, and no longer once the cache time has passed after that', async () => {
    const THIRD = 'north-token-third-0123456789abcd';
    const FOURTH = 'north-token-fourth-0123456789abc';
    // The operator's order: a secondary token at Twilio, into the vault, then promoted.
    api.addSecondaryToken(NORTH_SID, FOURTH);
    vault.setSecret('twilio-north-token', FOURTH);
    await advanceMinutes(6);
    const refused = api.refused.length;
    await notifyNorth();
    expect(api.refused.length).toBe(refused);
    // Twilio still signs with the primary until the promotion: the value the app replaced.
    const beforePromotion = text(NORTH_SID, '+14255550164', NORTH, 'Before', `SM${'4'.repeat(32)}`);
    expect((await inboundTo(t, THIRD, beforePromotion)).status).toBe(200);
    api.promoteSecondaryToken(NORTH_SID);
    const afterPromotion = text(NORTH_SID, '+14255550165', NORTH, 'After', `SM${'5'.repeat(32)}`);
    expect((await inboundTo(t, FOURTH, afterPromotion)).status).toBe(200);
    await advanceMinutes(6);
    const late = text(NORTH_SID, '+14255550166', NORTH, 'Late', `SM${'6'.repeat(32)}`);
    expect((await inboundTo(t, THIRD, late)).status).toBe(403);
    await t.settle();
    const customers = (await t.api('GET', 'queues/general/conversations')).body.conversations.map(
      (c: { customer: string }) => c.customer,
    );
    expect(customers).toEqual(expect.arrayContaining(['+14255550164', '+14255550165']));
    expect(customers).not.toContain('+14255550166');
  });
});

/** TeleSign customers: the deployment's, Fabrikam's own, and Tailspin's whose key TeleSign no longer takes. */
const TELESIGN_DEFAULT = {
  customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
  apiKey: Buffer.from('the deployment key').toString('base64'),
};
const FABRIKAM = {
  customerId: 'AAAAAAAA-1111-2222-3333-FABRIKAM0001',
  apiKey: Buffer.from('fabrikam key').toString('base64'),
};
const TAILSPIN_ID = 'BBBBBBBB-1111-2222-3333-TAILSPIN0001';

describe('TeleSign channels on their own customer accounts', () => {
  const api = new TeleSignApiServer(TELESIGN_DEFAULT);
  api.addCustomer(FABRIKAM);
  api.addCustomer({ customerId: TAILSPIN_ID, apiKey: Buffer.from('tailspin key now').toString('base64') });
  let t: TestHost;

  beforeAll(async () => {
    const apiBaseUrl = await api.start();
    const telesignChannel = (id: string, number: string, account?: Record<string, string>) => ({
      id,
      name: `${id} on TeleSign`,
      numbers: [number],
      provider: 'telesign',
      ...(account ? { telesign: account } : {}),
      defaultQueueId: 'general',
    });
    t = await startTestHost(
      {
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TELESIGN_CUSTOMER_ID: TELESIGN_DEFAULT.customerId,
        TELESIGN_API_KEY: TELESIGN_DEFAULT.apiKey,
        TELESIGN_API_BASE_URL: apiBaseUrl,
        SMS_SECRETS: JSON.stringify({
          'telesign-fabrikam-key': FABRIKAM.apiKey,
          'telesign-tailspin-key': Buffer.from('tailspin key before').toString('base64'),
        }),
      },
      {
        channels: [
          telesignChannel('fabrikam', '+18005550121', {
            customerId: FABRIKAM.customerId,
            apiKeySecret: 'telesign-fabrikam-key',
          }),
          telesignChannel('tailspin', '+18005550122', {
            customerId: TAILSPIN_ID,
            apiKeySecret: 'telesign-tailspin-key',
          }),
          telesignChannel('contoso', '+18005550123'),
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await api.stop();
  });

  it("signs each channel's sends with its own customer's key, and the deployment's for the channel naming none", async () => {
    for (const [channelId, to] of [
      ['fabrikam', '+14255550181'],
      ['contoso', '+14255550183'],
    ] as const) {
      const sent = await t.api(
        'POST',
        'notifications',
        { channelId, to, text: `Hello from ${channelId}` },
        flow,
      );
      expect(sent.status).toBe(202);
    }
    await t.eventually(async () => api.sends.length === 2, 'the two sends at TeleSign');
    const byCustomer = Object.fromEntries(api.sends.map((send, i) => [send.phone_number, api.sentBy[i]]));
    expect(byCustomer).toEqual({
      '14255550181': FABRIKAM.customerId,
      '14255550183': TELESIGN_DEFAULT.customerId,
    });
    expect(api.refused).toEqual([]);
  });

  it("checks each channel's own customer: Fabrikam's key works, Tailspin's is refused and names its secret", async () => {
    expect((await t.api('GET', 'manage/channels/fabrikam/credentials')).body).toEqual({
      channelId: 'fabrikam',
      provider: 'telesign',
      account: `TeleSign customer ${FABRIKAM.customerId} (API key in secret telesign-fabrikam-key)`,
      ok: true,
      detail: 'TeleSign accepted the credentials',
    });
    const tailspin = (await t.api('GET', 'manage/channels/tailspin/credentials')).body;
    expect(tailspin).toMatchObject({ channelId: 'tailspin', ok: false });
    expect(tailspin.detail).toMatch(/refused.*secret telesign-tailspin-key/);
    expect(api.refused).toEqual(['signature']);
  });
});
