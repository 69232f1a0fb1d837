import type { TokenCredential } from '@azure/core-auth';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { ConfigurationError } from '../errors.js';
import { lazily } from '../lazy.js';
import type { Logger, SecretSource } from '../ports.js';

export interface KeyVaultSecretsOptions {
  /** How long a value read is used before it is read again (rotation reaches the app within it). */
  ttlMs: number;
  /** A refresh asked for within this long of the last read uses that read (a flood of refusals). */
  minRefreshMs: number;
  now?: () => number;
  /** Client options (tests: the stand-in's CA, and its localhost name that is no vault's). */
  client?: SecretClientOptions;
}

interface Cached {
  value: string;
  readAt: number;
}

/**
 * Secrets from Key Vault, read with the app's identity (Key Vault Secrets User on the vault). Each
 * value is kept for a while, so a send does not cost a vault read, and read again after that, or
 * at once when a provider refuses it (it was rotated). While the vault cannot be reached, the
 * value in hand is used: a rotation waits, sending does not.
 */
export class KeyVaultSecrets implements SecretSource {
  /** Built at the first read: an instance whose secrets are all settings never loads the SDK. */
  private readonly client: () => Promise<SecretClient>;
  private readonly cache = new Map<string, Cached>();
  private readonly reading = new Map<string, Promise<string>>();
  /** The value each secret's latest rotation replaced, and until when it is still answered. */
  private readonly replaced = new Map<string, { value: string; until: number }>();
  private readonly now: () => number;

  constructor(
    private readonly vaultUrl: string,
    credential: TokenCredential,
    private readonly logger: Logger,
    private readonly options: KeyVaultSecretsOptions,
  ) {
    this.client = lazily(async () => {
      const { SecretClient } = await import('@azure/keyvault-secrets');
      return new SecretClient(vaultUrl, credential, options.client);
    });
    this.now = options.now ?? Date.now;
  }

  get(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && this.now() - cached.readAt < this.options.ttlMs) return Promise.resolve(cached.value);
    return this.read(name);
  }

  refresh(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && this.now() - cached.readAt < this.options.minRefreshMs)
      return Promise.resolve(cached.value);
    return this.read(name);
  }

  /**
   * The value a rotation replaced, for the cache time after the new one was first read: by then
   * the provider has switched, or the operator has not followed the rotation through.
   */
  previous(name: string): string | undefined {
    const replaced = this.replaced.get(name);
    return replaced && this.now() < replaced.until ? replaced.value : undefined;
  }

  /** One read per name at a time: the consumers that find it stale together share it. */
  private read(name: string): Promise<string> {
    let reading = this.reading.get(name);
    if (!reading) {
      reading = this.readNow(name).finally(() => this.reading.delete(name));
      this.reading.set(name, reading);
    }
    return reading;
  }

  private async readNow(name: string): Promise<string> {
    const cached = this.cache.get(name);
    try {
      const secret = await (await this.client()).getSecret(name);
      if (secret.value === undefined) throw new ConfigurationError(`Key Vault secret ${name} has no value`);
      if (cached && cached.value !== secret.value) {
        this.logger.info('secret.rotated', { name });
        this.replaced.set(name, { value: cached.value, until: this.now() + this.options.ttlMs });
      }
      this.cache.set(name, { value: secret.value, readAt: this.now() });
      return secret.value;
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      if (status === 404) {
        this.cache.delete(name);
        throw new ConfigurationError(`secret ${name} does not exist in Key Vault ${this.host()}`, {
          cause: error,
        });
      }
      if (status === 401 || status === 403) {
        throw new ConfigurationError(
          `the app's identity may not read secret ${name} in Key Vault ${this.host()} (it needs Key Vault Secrets User on the vault)`,
          { cause: error },
        );
      }
      if (error instanceof ConfigurationError) throw error;
      if (cached) {
        // The vault is unreachable or failing: the value in hand still works until the provider
        // refuses it. Try again after the shortest wait, not on every call.
        this.logger.warn('secret.read-failed', { name, kept: true, reason: (error as Error).message });
        this.cache.set(name, {
          value: cached.value,
          readAt: this.now() - this.options.ttlMs + this.options.minRefreshMs,
        });
        return cached.value;
      }
      throw new ConfigurationError(`secret ${name} could not be read from Key Vault ${this.host()}`, {
        cause: error,
      });
    }
  }

  private host(): string {
    return new URL(this.vaultUrl).host;
  }
}
