import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityEndpoint } from '../../stand-ins/identity-endpoint.js';
import { KeyVaultStandIn } from '../../stand-ins/key-vault.js';
import { AcsSmsServer } from '../support/acs-sms-server.js';
import { startTestHost, type TestHost } from '../support/host.js';

const APP_OID = '7e1a8d6f-2222-4b3c-8d4e-1f2a3b4c5d6e';
const key = (words: string) => Buffer.from(words).toString('base64');
/** The deployment's resource (settings), still serving the channel that names none. */
const DEFAULT_KEY = key('the deployment resource key');
/** Northwind and Southridge each have their own resource and access key. */
const NORTH_KEY = key('northwind resource access key');
const SOUTH_KEY = key('southridge resource access key');
/** Westwood's secret holds a key its resource no longer takes (regenerated at ACS, not in the vault). */
const WEST_KEY_NOW = key('westwood regenerated key');
const WEST_KEY_STALE = key('westwood key before regeneration');

const NORTH = '+18005550131';
const SOUTH = '+18005550132';
const WEST = '+18005550133';
const CENTRAL = '+18005550134';
const flow = { user: 'order-flow', roles: 'notifier' };

/**
 * ACS channels on their own resources, through the local host: each resource is its own ACS
 * stand-in (its own endpoint, checking requests against its own access key as ACS does), and each
 * channel's key is read by name from the Key Vault stand-in with the app's identity, as the local
 * host does from its settings alone (SMS_KEY_VAULT_URL, SMS_KEY_VAULT_CA_FILE,
 * SMS_DEV_IDENTITY_ENDPOINT). A send signed with another resource's key would be refused there.
 */
describe('ACS channels on their own resources, keys in Key Vault', () => {
  const vault = new KeyVaultStandIn();
  const identity = new IdentityEndpoint(APP_OID);
  const defaultAcs = new AcsSmsServer(DEFAULT_KEY);
  const north = new AcsSmsServer(NORTH_KEY);
  const south = new AcsSmsServer(SOUTH_KEY);
  const west = new AcsSmsServer(WEST_KEY_NOW);
  const caDir = mkdtempSync(join(tmpdir(), 'sms-vault-ca-'));
  let t: TestHost;

  beforeAll(async () => {
    const vaultUrl = await vault.start();
    vault.readers = new Set([APP_OID]);
    vault.setSecret('acs-north-key', NORTH_KEY);
    vault.setSecret('acs-south-key', SOUTH_KEY);
    vault.setSecret('acs-west-key', WEST_KEY_STALE);
    writeFileSync(join(caDir, 'vault.pem'), vault.ca);
    const identityUrl = await identity.start();
    const defaultUrl = await defaultAcs.start();
    const northUrl = await north.start();
    const southUrl = await south.start();
    const westUrl = await west.start();
    const acsChannel = (id: string, number: string, acs?: Record<string, string>) => ({
      id,
      name: `${id} on ACS`,
      numbers: [number],
      provider: 'acs',
      ...(acs ? { acs } : {}),
      defaultQueueId: 'general',
    });
    t = await startTestHost(
      {
        ACS_CONNECTION_STRING: `endpoint=${defaultUrl}/;accesskey=${DEFAULT_KEY}`,
        ACS_WEBHOOK_SECRET: 'a-shared-secret-of-some-length',
        SMS_KEY_VAULT_URL: vaultUrl,
        SMS_KEY_VAULT_CA_FILE: join(caDir, 'vault.pem'),
        SMS_DEV_IDENTITY_ENDPOINT: identityUrl,
      },
      {
        channels: [
          acsChannel('north', NORTH, { endpoint: northUrl, accessKeySecret: 'acs-north-key' }),
          acsChannel('south', SOUTH, { endpoint: southUrl, accessKeySecret: 'acs-south-key' }),
          acsChannel('west', WEST, { endpoint: westUrl, accessKeySecret: 'acs-west-key' }),
          acsChannel('central', CENTRAL),
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([defaultAcs, north, south, west, vault, identity].map((server) => server.stop()));
    rmSync(caDir, { recursive: true, force: true });
  });

  it("sends each channel's messages to its own resource, signed with the key its secret holds, and the deployment's for the channel naming none", async () => {
    for (const [channelId, to] of [
      ['north', '+14255550191'],
      ['south', '+14255550192'],
      ['central', '+14255550194'],
    ] as const) {
      const sent = await t.api(
        'POST',
        'notifications',
        { channelId, to, text: `Hello from ${channelId}` },
        flow,
      );
      expect(sent.status).toBe(202);
    }
    const sends = () => north.sends.length + south.sends.length + defaultAcs.sends.length;
    await t.eventually(async () => sends() === 3, 'the three sends at their resources');
    expect(north.sends.map(({ from, to }) => ({ from, to }))).toEqual([{ from: NORTH, to: '+14255550191' }]);
    expect(south.sends.map(({ from, to }) => ({ from, to }))).toEqual([{ from: SOUTH, to: '+14255550192' }]);
    expect(defaultAcs.sends.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: CENTRAL, to: '+14255550194' },
    ]);
    expect([north, south, defaultAcs].flatMap((server) => server.refused)).toEqual([]);
    // Each key was read from the vault by its name, with the app's identity.
    expect(identity.asked).toContain('https://vault.azure.net');
    expect(vault.reads).toEqual(expect.arrayContaining(['acs-north-key', 'acs-south-key']));
    expect(vault.refused.filter((r) => r.status === 403)).toEqual([]);
    expect(t.logs.join('\n')).not.toContain('+14255550191');
  });

  it("checks each channel's own resource: Northwind's key works, Westwood's is refused and names its secret", async () => {
    const northCheck = await t.api('GET', 'manage/channels/north/credentials');
    expect(northCheck.body).toEqual({
      channelId: 'north',
      provider: 'acs',
      account: expect.stringMatching(/^ACS resource http:\/\/.+ \(access key in secret acs-north-key\)$/),
      ok: true,
      detail: 'ACS accepted the credentials',
    });
    const westCheck = await t.api('GET', 'manage/channels/west/credentials');
    expect(westCheck.status).toBe(200);
    expect(westCheck.body).toMatchObject({
      channelId: 'west',
      provider: 'acs',
      account: expect.stringContaining('(access key in secret acs-west-key)'),
      ok: false,
    });
    expect(westCheck.body.detail).toMatch(/refused.*secret acs-west-key/);
    expect(west.refused.length).toBeGreaterThan(0);
    expect(west.sends).toEqual([]);
    expect(t.logs.join('\n')).not.toContain(WEST_KEY_STALE);
  });
});
