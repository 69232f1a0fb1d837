import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';
import { ConfigurationError } from '../../shared/errors.js';
import { parseAcsResourceId, resolveAcsEndpoint } from '../../shared/providers/acs/resource.js';
import { checkChannelCredentials } from '../../shared/use-cases/check-credentials.js';
import { AzureHttpsServer } from '../support/azure-https-server.js';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const resourceId = (group: string, name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Communication/communicationServices/${name}`;
/** The app's identity, as a test stands it in: a token the server knows. */
const identity: TokenCredential = {
  getToken: async () => ({ token: 'app-identity-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('connecting ACS by resource id', () => {
  const azure = new AzureHttpsServer('app-identity-token');
  let arm = '';
  const options = () => ({ endpoint: arm, tlsOptions: { ca: azure.ca } });

  beforeAll(async () => {
    arm = await azure.start();
    azure.resources.set('rg-sms/acs-contoso', {
      hostName: `localhost:${azure.port}`,
      provisioningState: 'Succeeded',
    });
    azure.resources.set('rg-sms/acs-new', {
      hostName: 'acs-new.communication.azure.com',
      provisioningState: 'Updating',
    });
  });
  afterAll(() => azure.stop());

  it('resolves the endpoint under the app identity', async () => {
    expect(await resolveAcsEndpoint(resourceId('rg-sms', 'acs-contoso'), identity, options())).toBe(
      `https://localhost:${azure.port}`,
    );
    const request = azure.requests.at(-1);
    expect(request?.authorization).toBe('Bearer app-identity-token');
    expect(request?.url).toMatch(
      /\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/resourceGroups\/rg-sms\/.*api-version=/,
    );
  });

  it.each([
    [
      'a resource that does not exist',
      'rg-sms',
      'acs-gone',
      /acs-gone does not exist, or the app identity cannot see it/,
    ],
    [
      'a resource still provisioning',
      'rg-sms',
      'acs-new',
      /acs-new is not ready \(provisioning state Updating\)/,
    ],
  ])('refuses %s with a clear reason', async (_name, group, name, message) => {
    await expect(resolveAcsEndpoint(resourceId(group, name), identity, options())).rejects.toThrow(message);
  });

  it('says when the identity may not read the resource', async () => {
    azure.forbidden = true;
    try {
      await expect(
        resolveAcsEndpoint(resourceId('rg-sms', 'acs-contoso'), identity, options()),
      ).rejects.toThrow(/give it the Reader role/);
    } finally {
      azure.forbidden = false;
    }
  });

  it('refuses something that is not a resource id', () => {
    expect(() => parseAcsResourceId('acs-contoso')).toThrow(ConfigurationError);
  });

  it('gives a channel its own sender at start-up, and its credential check reaches the resolved endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-arm-'));
    const seed = join(dir, 'seed.json');
    const channel = (id: string, name: string) => ({
      id,
      name: id,
      numbers: [id === 'support' ? '+18005550100' : '+18005550101'],
      provider: 'acs',
      acs: { resourceId: resourceId('rg-sms', name) },
      defaultQueueId: 'general',
    });
    writeFileSync(
      seed,
      JSON.stringify({
        channels: [channel('support', 'acs-contoso')],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    const config = loadConfig({ SMS_DATA_DIR: dir, SMS_SEED_FILE: seed, AZURE_RESOURCE_MANAGER_URL: arm });
    const app = await createApp(config, {
      logSink: () => {},
      azureCredential: identity,
      azureClientOptions: { tlsOptions: { ca: azure.ca } },
    });
    try {
      const before = azure.requests.length;
      expect(await checkChannelCredentials(app.deps, 'support')).toEqual({
        channelId: 'support',
        provider: 'acs',
        account: expect.stringMatching(/^ACS resource \/subscriptions\/.+ \(the app's identity\)$/),
        ok: true,
        detail: 'ACS accepted the credentials',
      });
      expect(azure.requests.slice(before).map((r) => new URL(r.url, 'https://x').pathname)).toEqual(['/sms']);
    } finally {
      await app.close();
    }

    // A fresh deployment whose seed names a resource that does not exist does not start.
    for (const file of ['sms.db', 'sms.db-wal', 'sms.db-shm']) rmSync(join(dir, file), { force: true });
    writeFileSync(
      seed,
      JSON.stringify({
        channels: [channel('support', 'acs-gone')],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    await expect(
      createApp(config, {
        logSink: () => {},
        azureCredential: identity,
        azureClientOptions: { tlsOptions: { ca: azure.ca } },
      }),
    ).rejects.toThrow(/acs-gone does not exist/);
    rmSync(dir, { recursive: true, force: true });
  });
});
