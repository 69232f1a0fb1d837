import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from './http.js';
import { localhostCertificate } from './tls-certificate.js';

/** The audience Event Grid's data plane accepts tokens for. */
export const EVENT_GRID_AUDIENCE = 'https://eventgrid.azure.net';

/**
 * An Event Grid custom topic's publishing endpoint, over HTTPS (Azure SDKs send bearer tokens over
 * TLS only), checking what Event Grid checks of a CloudEvents publish with Entra ID: the bearer
 * token's audience, the api-version, the batch content type, and each event's required CloudEvents
 * 1.0 attributes. It keeps what it accepted. Its certificate is made for the run with openssl.
 */
export class EventGridTopicStandIn {
  readonly ca: string;
  private readonly key: string;
  readonly accepted: Record<string, unknown>[] = [];
  readonly refused: { status: number; reason: string }[] = [];
  /** Set to answer the next publish with this status (the service unavailable, throttling). */
  failNext: number | undefined;
  private server: Server | undefined;

  constructor() {
    const { key, cert } = localhostCertificate();
    this.key = key;
    this.ca = cert;
  }

  /** Starts listening; answers the topic endpoint as Azure shows it (…/api/events). */
  async start(): Promise<string> {
    this.server = createServer({ key: this.key, cert: this.ca }, (req, res) => {
      void readBody(req).then((body) => {
        const refuse = (status: number, reason: string) => {
          this.refused.push({ status, reason });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: String(status), message: reason } }));
        };
        const url = new URL(req.url ?? '/', 'https://localhost');
        if (req.method !== 'POST' || url.pathname !== '/api/events') return refuse(404, 'no such endpoint');
        if (url.searchParams.get('api-version') !== '2018-01-01')
          return refuse(400, 'unsupported api-version');
        const audience = audienceOf(req.headers.authorization);
        if (audience !== EVENT_GRID_AUDIENCE) return refuse(401, `token audience ${audience ?? 'missing'}`);
        const type = req.headers['content-type'] ?? '';
        if (!type.startsWith('application/cloudevents-batch+json'))
          return refuse(415, `content type ${type}`);
        let events: unknown;
        try {
          events = JSON.parse(body);
        } catch {
          return refuse(400, 'body is not JSON');
        }
        if (!Array.isArray(events) || events.length === 0) return refuse(400, 'expected a non-empty array');
        for (const event of events as Record<string, unknown>[]) {
          for (const field of ['id', 'source', 'type', 'specversion'] as const) {
            if (typeof event[field] !== 'string' || event[field] === '')
              return refuse(400, `event without ${field}`);
          }
          if (event.specversion !== '1.0') return refuse(400, 'specversion must be 1.0');
        }
        if (this.failNext !== undefined) {
          const status = this.failNext;
          this.failNext = undefined;
          return refuse(status, 'told to fail');
        }
        this.accepted.push(...(events as Record<string, unknown>[]));
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `https://localhost:${(this.server.address() as AddressInfo).port}/api/events`;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}

/** The `aud` claim of a bearer JWT (the stand-in trusts the signature; Entra ID signs for real). */
function audienceOf(authorization: string | undefined): string | undefined {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof claims.aud === 'string' ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}

/** A token as Entra ID shapes it for a scope: a JWT whose audience is the scope's resource. */
export function tokenFor(scopes: string | string[]): string {
  const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: scope.replace(/\/\.default$/, '') })}.`;
}
