import type { TokenCredential } from '@azure/core-auth';
import type { WebPubSubServiceClient } from '@azure/web-pubsub';
import type { LiveMessage } from '../domain/live.js';
import { lazily } from '../lazy.js';
import type { LiveAccess, LiveUpdates } from '../ports.js';

/** How long a client token lets a page connect; it negotiates again on any reconnect. */
const TOKEN_MINUTES = 60;

/**
 * How long a send may take before it is given up. The change it announces is already written,
 * and a page re-reads what it shows when it reconnects; a stalled hub must not hold up an agent's
 * reply or a queue's worker for the SDK's own (minutes-long) timeouts.
 */
const PUBLISH_TIMEOUT_MS = 5000;

export interface WebPubSubOptions {
  /** TLS settings for the stand-in in tests (a certificate made for the run). */
  tlsOptions?: { ca: string };
  publishTimeoutMs?: number;
}

/**
 * Live updates through Azure Web PubSub, with the app's identity (local auth is off on the
 * resource). With a TokenCredential the SDK reaches the service's REST API for both calls: a
 * send is `POST /api/hubs/{hub}/:send?filter=`, and a client token is
 * `POST /api/hubs/{hub}/:generateToken` (the service signs it; the app holds no key).
 */
export class WebPubSubLive implements LiveUpdates, LiveAccess {
  /** Built at the first send or token: an instance that serves neither never loads the SDK. */
  private readonly client: () => Promise<WebPubSubServiceClient>;
  private readonly publishTimeoutMs: number;

  constructor(endpoint: string, hub: string, credential: TokenCredential, options: WebPubSubOptions = {}) {
    this.publishTimeoutMs = options.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS;
    this.client = lazily(async () => {
      const { WebPubSubServiceClient } = await import('@azure/web-pubsub');
      return new WebPubSubServiceClient(endpoint, credential, hub, {
        ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
        retryOptions: { maxRetries: 1 },
      });
    });
  }

  /**
   * One send to the hub, filtered to the connections in any of the groups (OData: `'g' in groups`),
   * so a connection in several of them gets the message once.
   */
  async publish(groups: string[], message: LiveMessage): Promise<void> {
    if (groups.length === 0) return;
    const filter = groups.map((group) => `'${group.replace(/'/g, "''")}' in groups`).join(' or ');
    await (await this.client()).sendToAll(
      { ...message },
      { filter, abortSignal: AbortSignal.timeout(this.publishTimeoutMs) },
    );
  }

  async clientUrl(request: { userId: string; groups: string[] }): Promise<string> {
    const token = await (await this.client()).getClientAccessToken({
      userId: request.userId,
      groups: request.groups,
      expirationTimeInMinutes: TOKEN_MINUTES,
    });
    return token.url;
  }
}
