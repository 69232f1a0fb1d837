import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../shared/errors.js';
import type { SecretSource } from '../../shared/ports.js';

export interface SecretSourceHarness {
  /** A source holding `twilio-contoso-token` = `first-token` and nothing else. */
  source: SecretSource;
}

/** What a channel's account relies on of any place secrets are held by name. */
export function secretSourceContract(name: string, makeHarness: () => Promise<SecretSourceHarness>) {
  describe(`SecretSource contract: ${name}`, () => {
    it('gives a secret by its name, again and again', async () => {
      const { source } = await makeHarness();
      expect(await source.get('twilio-contoso-token')).toBe('first-token');
      expect(await source.get('twilio-contoso-token')).toBe('first-token');
      expect(await source.refresh('twilio-contoso-token')).toBe('first-token');
      // Nothing was rotated: no earlier value for a signature to be checked with.
      expect(source.previous('twilio-contoso-token')).toBeUndefined();
    });

    it('refuses a name it does not hold with a configuration error naming it, never a value', async () => {
      const { source } = await makeHarness();
      const failure = await source.get('telesign-fabrikam-key').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigurationError);
      expect((failure as Error).message).toContain('telesign-fabrikam-key');
      expect((failure as Error).message).not.toContain('first-token');
      await expect(source.refresh('telesign-fabrikam-key')).rejects.toBeInstanceOf(ConfigurationError);
    });
  });
}
