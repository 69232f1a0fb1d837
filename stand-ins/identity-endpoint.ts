import { createServer, type Server } from 'node:http';
import { closeServer, jsonAnswer, listenOnLoopback } from './http.js';
import { identityToken } from './key-vault.js';

/**
 * A token endpoint standing in for the app's managed identity (SMS_DEV_IDENTITY_ENDPOINT): `GET
 * ?resource=<audience>` answers a token for that audience and this identity's `oid`, shaped as
 * App Service's managed identity endpoint answers (`access_token`, `expires_on` in seconds). The
 * Azure stand-ins read the token's audience and `oid` as the services do.
 */
export class IdentityEndpoint {
  /** Each audience a token was asked for, in order. */
  readonly asked: string[] = [];
  private server: Server | undefined;

  constructor(readonly oid: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const answer = jsonAnswer(res);
      const resource = new URL(req.url ?? '/', 'http://localhost').searchParams.get('resource');
      if (req.method !== 'GET' || !resource) {
        return answer(400, { error: 'invalid_request', error_description: 'resource is required' });
      }
      this.asked.push(resource);
      answer(200, {
        access_token: identityToken(this.oid, resource),
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: 'Bearer',
      });
    });
    return `${await listenOnLoopback(this.server)}/msi/token`;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}
