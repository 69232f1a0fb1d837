import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { closeServer, jsonAnswer, readBody } from './http.js';

/** The audience Microsoft Entra ID puts in a token for Web PubSub's data plane. */
export const WEB_PUBSUB_AUDIENCE = 'https://webpubsub.azure.com';
/** The REST API versions this stand-in answers (the SDK's 1.2 speaks 2024-12-01). */
const API_VERSIONS = new Set(['2024-12-01', '2024-01-01', '2023-07-01', '2021-10-01']);

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A compact HS256 JWT, as Entra ID (for the app) and Web PubSub (for clients) issue. */
export function signJwt(claims: Record<string, unknown>, key: Buffer): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

/** The claims of a JWT signed with the key and not expired, or undefined. */
export function verifyJwt(token: string, key: Buffer): Record<string, unknown> | undefined {
  const [header, payload, signature, extra] = token.split('.');
  if (!header || !payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/** The groups of an OData filter `'a' in groups or 'b' in groups` (the only form the app sends). */
function groupsOfFilter(filter: string | null): string[] | undefined {
  if (!filter) return undefined;
  const groups: string[] = [];
  for (const term of filter.split(' or ')) {
    const match = /^'((?:[^']|'')+)' in groups$/.exec(term.trim());
    if (!match?.[1]) return undefined;
    groups.push(match[1].replace(/''/g, "'"));
  }
  return groups;
}

export interface SentToGroup {
  hub: string;
  /** The groups the send's filter named. */
  groups: string[];
  apiVersion: string;
  contentType: string | undefined;
  body: string;
}

/**
 * Azure Web PubSub's data plane, as far as the app uses it with its identity (local auth off):
 * `POST /api/hubs/{hub}/:generateToken` and `POST /api/hubs/{hub}/groups/{group}/:send`, each with
 * an Entra ID bearer token for https://webpubsub.azure.com (signature, audience, expiry checked),
 * a known api-version and the hub it serves; and the client endpoint
 * `/client/hubs/{hub}?access_token=`, which admits a token it generated and joins the token's
 * groups. It records what was sent. HTTPS, since Azure SDKs send bearer tokens over TLS only.
 */
export class WebPubSubStandIn {
  readonly sent: SentToGroup[] = [];
  readonly refused: { path: string; reason: string }[] = [];
  /** While set, a send is never answered: a hub that has stalled. */
  stallSends = false;
  /** The key the stand-in signs client tokens with (the service's own access key). */
  private readonly accessKey = randomBytes(32);
  private readonly clients = new Map<WebSocket, Set<string>>();
  private server: Server | undefined;
  private readonly sockets = new WebSocketServer({ noServer: true });
  endpoint = '';

  constructor(
    private readonly tls: { key: string; cert: string },
    /** The key Entra ID signs the app's tokens with, as the test's credential does. */
    private readonly entraKey: Buffer,
    readonly hub: string,
  ) {}

  async start(): Promise<string> {
    const server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const answer = jsonAnswer(res);
      readBody(req).then(
        (body) => {
          if (this.stallSends && req.url?.includes('/:send')) return;
          const outcome = this.handle(req, body);
          if (outcome.status >= 400)
            this.refused.push({ path: req.url ?? '', reason: outcome.message ?? '' });
          if (outcome.status === 204) res.writeHead(204).end();
          else answer(outcome.status, outcome.body ?? { code: 'Error', message: outcome.message });
        },
        () => answer(400, { code: 'BadRequest' }),
      );
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `https://localhost:${(server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  private handle(req: IncomingMessage, body: string): { status: number; body?: unknown; message?: string } {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = bearer ? verifyJwt(bearer, this.entraKey) : undefined;
    if (!claims) return { status: 401, message: 'a valid Entra ID bearer token is needed' };
    if (claims.aud !== WEB_PUBSUB_AUDIENCE) return { status: 401, message: `wrong audience ${claims.aud}` };
    const apiVersion = url.searchParams.get('api-version') ?? '';
    if (!API_VERSIONS.has(apiVersion))
      return { status: 400, message: `unsupported api-version ${apiVersion}` };
    const route = /^\/api\/hubs\/([^/]+)\/(:generateToken|:send)$/.exec(url.pathname);
    if (!route?.[1] || req.method !== 'POST') return { status: 404, message: 'no such API' };
    const hub = decodeURIComponent(route[1]);
    if (hub.toLowerCase() !== this.hub.toLowerCase()) return { status: 404, message: `no hub ${hub}` };
    if (route[2] === ':generateToken') {
      const groups = url.searchParams.getAll('group');
      const minutes = Number(url.searchParams.get('minutesToExpire') ?? '60');
      const token = signJwt(
        {
          aud: `${this.endpoint.replace(/^https/, 'wss')}/client/hubs/${hub}`,
          sub: url.searchParams.get('userId') ?? undefined,
          'webpubsub.group': groups,
          exp: Math.floor(Date.now() / 1000) + minutes * 60,
        },
        this.accessKey,
      );
      return { status: 200, body: { token } };
    }
    const groups = groupsOfFilter(url.searchParams.get('filter'));
    if (!groups)
      return { status: 400, message: "this stand-in takes filters of the form 'g' in groups or ..." };
    this.sent.push({ hub, groups, apiVersion, contentType: req.headers['content-type'], body });
    for (const [ws, joined] of this.clients) if (groups.some((g) => joined.has(g))) ws.send(body);
    return { status: 202 };
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const refuse = (status: number, reason: string) => {
      this.refused.push({ path: url.pathname, reason });
      socket.end(`HTTP/1.1 ${status} Refused\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (url.pathname.toLowerCase() !== `/client/hubs/${this.hub}`.toLowerCase())
      return refuse(404, 'no such hub');
    const claims = verifyJwt(url.searchParams.get('access_token') ?? '', this.accessKey);
    if (!claims) return refuse(401, 'invalid client token');
    const groups = new Set(
      Array.isArray(claims['webpubsub.group']) ? (claims['webpubsub.group'] as string[]) : [],
    );
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      this.clients.set(ws, groups);
      ws.on('close', () => this.clients.delete(ws));
    });
  }

  async stop() {
    for (const ws of this.clients.keys()) ws.terminate();
    this.sockets.close();
    await closeServer(this.server as unknown as Parameters<typeof closeServer>[0]);
  }
}
