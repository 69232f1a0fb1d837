import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { localhostCertificate } from '../../stand-ins/tls-certificate.js';

export interface AcsResource {
  hostName: string;
  provisioningState: string;
}

/**
 * An HTTPS server on localhost (Azure SDKs send bearer tokens over TLS only) playing Azure
 * Resource Manager for Communication Services resources and, for endpoints it hands out, the
 * ACS data plane with token authentication. Its certificate is made for the run with openssl.
 */
export class AzureHttpsServer {
  readonly ca: string;
  readonly requests: { method: string; url: string; authorization: string | undefined }[] = [];
  readonly resources = new Map<string, AcsResource>();
  forbidden = false;
  private readonly key: string;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly token: string) {
    const { key, cert } = localhostCertificate();
    this.key = key;
    this.ca = cert;
  }

  async start(): Promise<string> {
    this.server = createServer({ key: this.key, cert: this.ca }, (req, res) => {
      req.resume();
      req.on('end', () => {
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
        });
        if (req.headers.authorization !== `Bearer ${this.token}`) {
          return answer(401, { error: { code: 'InvalidAuthenticationToken', message: 'bad token' } });
        }
        const url = new URL(req.url ?? '/', 'https://localhost');
        if (url.pathname === '/sms')
          return answer(400, { error: { code: 'BadRequest', message: 'no recipients' } });
        const match =
          /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Communication\/communicationServices\/([^/]+)$/i.exec(
            url.pathname,
          );
        if (!match || !url.searchParams.get('api-version'))
          return answer(404, { error: { code: 'NotFound', message: 'no such API' } });
        if (this.forbidden)
          return answer(403, { error: { code: 'AuthorizationFailed', message: 'no access' } });
        const resource = this.resources.get(`${match[1]}/${match[2]}`);
        if (!resource) return answer(404, { error: { code: 'ResourceNotFound', message: 'not found' } });
        answer(200, {
          id: url.pathname,
          name: match[2],
          type: 'Microsoft.Communication/CommunicationServices',
          location: 'global',
          properties: { ...resource, dataLocation: 'United States' },
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `https://localhost:${this.port}`;
  }

  async stop() {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
