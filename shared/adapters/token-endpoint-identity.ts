import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { z } from 'zod';
import { ConfigurationError } from '../errors.js';

/** What the endpoint answers, as App Service's managed identity endpoint shapes it (expires_on in seconds). */
const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_on: z.coerce.number().int().positive(),
});

/**
 * The app's identity in development against local stand-ins (SMS_DEV_IDENTITY_ENDPOINT): tokens
 * from a token endpoint on this machine, asked for an audience as App Service's managed identity
 * endpoint is (`?resource=`), instead of DefaultAzureCredential, which would look for a managed
 * identity or a developer's sign-in and find neither. The clients cache each token until it expires.
 */
export class TokenEndpointIdentity implements TokenCredential {
  constructor(private readonly endpoint: string) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = (Array.isArray(scopes) ? scopes[0] : scopes) ?? '';
    const url = new URL(this.endpoint);
    // A scope is the audience with /.default; the managed identity protocol takes the audience.
    url.searchParams.set('resource', scope.replace(/\/\.default$/, ''));
    url.searchParams.set('api-version', '2019-08-01');
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new ConfigurationError(`SMS_DEV_IDENTITY_ENDPOINT ${this.endpoint} cannot be reached`, {
        cause: error,
      });
    }
    const parsed = tokenAnswer.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success) {
      throw new ConfigurationError(
        `SMS_DEV_IDENTITY_ENDPOINT ${this.endpoint} gave no token for ${scope} (HTTP ${response.status})`,
        parsed.success ? {} : { cause: parsed.error },
      );
    }
    return { token: parsed.data.access_token, expiresOnTimestamp: parsed.data.expires_on * 1000 };
  }
}
