import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LiveMessage } from '../domain/live.js';
import type { LiveAccess, LiveUpdates } from '../ports.js';

/** How long a negotiated token lets a socket connect (a page negotiates again on reconnect). */
const TOKEN_MINUTES = 60;

interface Subscriber {
  groups: ReadonlySet<string>;
  send(text: string): void;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/**
 * The embedded default's live updates: connections of this process, by group. Tokens are signed
 * with a key made at start-up, so a token names its groups and nobody can add one; a restart
 * makes old tokens invalid and the page negotiates again, as it does on any reconnect.
 */
export class LocalLiveHub implements LiveUpdates, LiveAccess {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly key: Buffer = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  /** A token for these groups, valid for TOKEN_MINUTES. */
  issueToken(userId: string, groups: string[]): string {
    const payload = base64url(
      JSON.stringify({ sub: userId, groups, exp: Math.floor(this.now() / 1000) + TOKEN_MINUTES * 60 }),
    );
    return `${payload}.${this.sign(payload)}`;
  }

  /** The groups a token grants, or undefined when it is forged, malformed or expired. */
  verifyToken(token: string): string[] | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        groups?: unknown;
        exp?: unknown;
      };
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < this.now()) return undefined;
      if (!Array.isArray(claims.groups) || !claims.groups.every((g) => typeof g === 'string'))
        return undefined;
      return claims.groups as string[];
    } catch {
      return undefined;
    }
  }

  async clientUrl(request: { userId: string; groups: string[]; origin: string }): Promise<string> {
    const url = new URL('/api/realtime', request.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', this.issueToken(request.userId, request.groups));
    return url.toString();
  }

  /** Adds a connection to its groups; the returned function removes it. */
  subscribe(groups: string[], send: (text: string) => void): () => void {
    const subscriber: Subscriber = { groups: new Set(groups), send };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publish(groups: string[], message: LiveMessage): Promise<void> {
    const text = JSON.stringify(message);
    for (const subscriber of this.subscribers) {
      if (groups.some((group) => subscriber.groups.has(group))) subscriber.send(text);
    }
  }
}
