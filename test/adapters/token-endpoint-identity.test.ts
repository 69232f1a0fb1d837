import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenEndpointIdentity } from '../../shared/adapters/token-endpoint-identity.js';
import { ConfigurationError } from '../../shared/errors.js';
import { closeServer, listenOnLoopback } from '../../stand-ins/http.js';
import { IdentityEndpoint } from '../../stand-ins/identity-endpoint.js';

const OID = '6d0f7c5e-1111-4a2b-9c3d-0e1f2a3b4c5d';

describe('the app identity from a local token endpoint (SMS_DEV_IDENTITY_ENDPOINT)', () => {
  const endpoint = new IdentityEndpoint(OID);
  let url = '';
  beforeAll(async () => {
    url = await endpoint.start();
  });
  afterAll(() => endpoint.stop());

  it('asks for the audience of the scope and hands back the token with its expiry', async () => {
    const token = await new TokenEndpointIdentity(url).getToken('https://vault.azure.net/.default');
    expect(endpoint.asked).toEqual(['https://vault.azure.net']);
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims).toEqual({ aud: 'https://vault.azure.net', oid: OID });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it('says which setting to fix when the endpoint refuses, answers no token, or is not there', async () => {
    const refusing = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_request"}');
    });
    const refusingUrl = await listenOnLoopback(refusing);
    try {
      const failure = await new TokenEndpointIdentity(refusingUrl)
        .getToken('https://vault.azure.net/.default')
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigurationError);
      expect((failure as Error).message).toMatch(
        /SMS_DEV_IDENTITY_ENDPOINT .* gave no token for https:\/\/vault\.azure\.net\/\.default \(HTTP 400\)/,
      );
    } finally {
      await closeServer(refusing);
    }
    await expect(
      new TokenEndpointIdentity(refusingUrl).getToken('https://vault.azure.net/.default'),
    ).rejects.toThrow(/SMS_DEV_IDENTITY_ENDPOINT .* cannot be reached/);
  });
});
