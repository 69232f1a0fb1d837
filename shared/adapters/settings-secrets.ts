import { ConfigurationError } from '../errors.js';
import type { SecretSource } from '../ports.js';

/** Secrets from the `SMS_SECRETS` setting (a JSON map of name to value), for running without Key Vault. */
export class SettingsSecrets implements SecretSource {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  async get(name: string): Promise<string> {
    const value = this.values[name];
    if (value === undefined) {
      throw new ConfigurationError(`secret ${name} is not in SMS_SECRETS (add "${name}": "<value>" to it)`);
    }
    return value;
  }

  /** Settings change only with a restart: there is nothing newer to read. */
  refresh(name: string): Promise<string> {
    return this.get(name);
  }

  /** Nor anything replaced. */
  previous(): undefined {
    return undefined;
  }
}
