import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { lazily } from '../lazy.js';

/**
 * The app's identity (DefaultAzureCredential: the managed identity on Azure, the developer's
 * sign-in elsewhere), with @azure/identity loaded at the first token asked for. The clients that
 * take it are built at start-up, but a deployment on connection strings never asks, and one on
 * its identity asks only when a client first reaches its service.
 */
export class AppIdentity implements TokenCredential {
  readonly #credential = lazily(async () => new (await import('@azure/identity')).DefaultAzureCredential());

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    return (await this.#credential()).getToken(scopes, options);
  }
}
