import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyVaultSecrets } from '../../shared/adapters/key-vault-secrets.js';
import { SettingsSecrets } from '../../shared/adapters/settings-secrets.js';
import { ConfigurationError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { identityToken, KeyVaultStandIn } from '../../stand-ins/key-vault.js';
import { secretSourceContract } from '../contracts/secret-source.contract.js';

const APP = '6d0f7c5e-1111-4a2b-9c3d-0e1f2a3b4c5d';
const vault = new KeyVaultStandIn();
let vaultUrl = '';
beforeAll(async () => {
  vaultUrl = await vault.start();
});
afterAll(() => vault.stop());

/** The app's managed identity, as DefaultAzureCredential hands out its tokens. */
const identity = (oid = APP) => ({
  scopesAsked: [] as string[],
  async getToken(scopes: string | string[]) {
    this.scopesAsked.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: identityToken(oid, scopes), expiresOnTimestamp: Date.now() + 3_600_000 };
  },
});

function keyVaultSecrets(options: { now?: () => number; oid?: string; url?: string } = {}) {
  const logs: string[] = [];
  const credential = identity(options.oid);
  const secrets = new KeyVaultSecrets(
    options.url ?? vaultUrl,
    credential,
    createLogger((line) => logs.push(line), 'debug'),
    {
      ttlMs: 300_000,
      minRefreshMs: 30_000,
      ...(options.now ? { now: options.now } : {}),
      // The stand-in is localhost, which is no *.vault.azure.net: its challenge cannot match the host.
      client: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true },
    },
  );
  return { secrets, logs, credential };
}

secretSourceContract('settings (SMS_SECRETS)', async () => ({
  source: new SettingsSecrets({ 'twilio-contoso-token': 'first-token' }),
}));

/** A vault of its own for the contract, so the contract's secret is the only one it holds. */
const contractVault = new KeyVaultStandIn();
let contractVaultUrl = '';
beforeAll(async () => {
  contractVaultUrl = await contractVault.start();
  contractVault.setSecret('twilio-contoso-token', 'first-token');
});
afterAll(() => contractVault.stop());

secretSourceContract('Key Vault (real SDK, vault stand-in)', async () => ({
  source: new KeyVaultSecrets(
    contractVaultUrl,
    identity(),
    createLogger(() => {}, 'error'),
    {
      ttlMs: 300_000,
      minRefreshMs: 30_000,
      client: { tlsOptions: { ca: contractVault.ca }, disableChallengeResourceVerification: true },
    },
  ),
}));

describe('secrets in Key Vault', () => {
  it('are read with a token for Key Vault that the vault challenge asked for, once while fresh', async () => {
    vault.setSecret('twilio-northwind-token', 'northwind-1');
    const { secrets, credential } = keyVaultSecrets();
    const before = vault.reads.length;
    expect(await secrets.get('twilio-northwind-token')).toBe('northwind-1');
    expect(await secrets.get('twilio-northwind-token')).toBe('northwind-1');
    expect(vault.reads.slice(before)).toEqual(['twilio-northwind-token']);
    expect(credential.scopesAsked).toContain('https://vault.azure.net/.default');
    // The SDK's first request carries no token on purpose: the challenge is the vault's 401.
    expect(vault.refused.some((r) => r.status === 401 && r.reason.includes('missing a Bearer'))).toBe(true);
  });

  it('follow a rotation: the new version after the cache time, or at once when a provider refused the old one', async () => {
    let now = 1_000_000;
    vault.setSecret('twilio-rotating-token', 'rotating-1');
    const { secrets, logs } = keyVaultSecrets({ now: () => now });
    expect(await secrets.get('twilio-rotating-token')).toBe('rotating-1');
    vault.setSecret('twilio-rotating-token', 'rotating-2');
    now += 299_000;
    expect(await secrets.get('twilio-rotating-token')).toBe('rotating-1');
    now += 1_000;
    expect(await secrets.get('twilio-rotating-token')).toBe('rotating-2');
    expect(logs.some((line) => line.includes('secret.rotated'))).toBe(true);
    expect(logs.join('\n')).not.toContain('rotating-2');

    vault.setSecret('twilio-rotating-token', 'rotating-3');
    now += 30_000;
    expect(await secrets.refresh('twilio-rotating-token')).toBe('rotating-3');
  });

  it('keep the value a rotation replaced for the cache time after the new one was read, for what the provider signed before its switch', async () => {
    let now = 3_000_000;
    vault.setSecret('twilio-switching-token', 'switching-1');
    const { secrets } = keyVaultSecrets({ now: () => now });
    expect(await secrets.get('twilio-switching-token')).toBe('switching-1');
    vault.setSecret('twilio-switching-token', 'switching-2');
    now += 300_000;
    expect(secrets.previous('twilio-switching-token')).toBeUndefined();
    expect(await secrets.get('twilio-switching-token')).toBe('switching-2');
    expect(secrets.previous('twilio-switching-token')).toBe('switching-1');
    now += 299_000;
    // Read again unchanged: the replaced value keeps its own time, not a new one.
    expect(await secrets.get('twilio-switching-token')).toBe('switching-2');
    expect(secrets.previous('twilio-switching-token')).toBe('switching-1');
    now += 1_000;
    expect(secrets.previous('twilio-switching-token')).toBeUndefined();
  });

  it('are read again on a refusal at most once in a short while, however many refusals come', async () => {
    let now = 5_000_000;
    vault.setSecret('telesign-flood-key', 'flood-1');
    const { secrets } = keyVaultSecrets({ now: () => now });
    await secrets.get('telesign-flood-key');
    const before = vault.reads.length;
    await Promise.all(Array.from({ length: 20 }, () => secrets.refresh('telesign-flood-key')));
    expect(vault.reads.length - before).toBe(0);
    now += 30_000;
    await Promise.all(Array.from({ length: 20 }, () => secrets.refresh('telesign-flood-key')));
    expect(vault.reads.length - before).toBe(1);
  });

  it('name the missing secret (404) and the missing role (403), and keep no value for them', async () => {
    const { secrets } = keyVaultSecrets();
    await expect(secrets.get('twilio-nowhere-token')).rejects.toThrow(
      /secret twilio-nowhere-token does not exist in Key Vault localhost:\d+/,
    );
    vault.setSecret('twilio-guarded-token', 'guarded');
    vault.readers = new Set([APP]);
    try {
      const stranger = keyVaultSecrets({ oid: 'a0000000-0000-4000-8000-000000000000' }).secrets;
      const failure = await stranger.get('twilio-guarded-token').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigurationError);
      expect((failure as Error).message).toContain('Key Vault Secrets User');
      expect(await keyVaultSecrets().secrets.get('twilio-guarded-token')).toBe('guarded');
    } finally {
      vault.readers = undefined;
    }
  });

  it('ask for a given version by the SDK path, and 404 for a version the vault never had', async () => {
    const version = vault.setSecret('versioned-secret', 'v1');
    vault.setSecret('versioned-secret', 'v2');
    const { SecretClient } = await import('@azure/keyvault-secrets');
    const client = new SecretClient(vaultUrl, identity(), {
      tlsOptions: { ca: vault.ca },
      disableChallengeResourceVerification: true,
    });
    expect((await client.getSecret('versioned-secret', { version })).value).toBe('v1');
    const latest = await client.getSecret('versioned-secret');
    expect(latest.value).toBe('v2');
    expect(latest.properties.version).not.toBe(version);
    await expect(client.getSecret('versioned-secret', { version: 'f'.repeat(32) })).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('keep the value in hand while the vault cannot be reached', async () => {
    let now = 9_000_000;
    const down = new KeyVaultStandIn();
    const url = await down.start();
    down.setSecret('twilio-outage-token', 'outage-1');
    const logs: string[] = [];
    const secrets = new KeyVaultSecrets(
      url,
      identity(),
      createLogger((line) => logs.push(line), 'debug'),
      {
        ttlMs: 300_000,
        minRefreshMs: 30_000,
        now: () => now,
        client: {
          tlsOptions: { ca: down.ca },
          disableChallengeResourceVerification: true,
          retryOptions: { maxRetries: 0 },
        },
      },
    );
    expect(await secrets.get('twilio-outage-token')).toBe('outage-1');
    await down.stop();
    now += 300_000;
    expect(await secrets.get('twilio-outage-token')).toBe('outage-1');
    expect(logs.some((line) => line.includes('secret.read-failed'))).toBe(true);
    const fresh = new KeyVaultSecrets(
      url,
      identity(),
      createLogger(() => {}, 'error'),
      {
        ttlMs: 300_000,
        minRefreshMs: 30_000,
        client: {
          tlsOptions: { ca: down.ca },
          disableChallengeResourceVerification: true,
          retryOptions: { maxRetries: 0 },
        },
      },
    );
    await expect(fresh.get('twilio-outage-token')).rejects.toThrow(/could not be read from Key Vault/);
  });
});
