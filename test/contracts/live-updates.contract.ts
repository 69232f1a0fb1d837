import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LiveMessage } from '../../shared/domain/live.js';
import type { LiveAccess, LiveUpdates } from '../../shared/ports.js';

export interface LiveHarness {
  live: LiveUpdates & LiveAccess;
  /** The request origin negotiate would pass (the local host's own). */
  origin: string;
  /** TLS trust for a wss:// stand-in. */
  ca?: string;
  stop(): Promise<void>;
}

export interface LiveClient {
  messages: LiveMessage[];
  close(): void;
}

/** Opens a WebSocket to a negotiated URL; rejects with the HTTP status when it is refused. */
export function connect(url: string, ca?: string): Promise<LiveClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ca ? { ca } : {});
    const messages: LiveMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
    ws.once('open', () => resolve({ messages, close: () => ws.close() }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const message = (conversationId: string): LiveMessage => ({
  type: 'conversation.changed',
  conversationId,
  at: '2026-11-23T09:00:00.000Z',
});

/**
 * What every live-updates adapter promises: a client URL joins exactly the groups it was made for,
 * a publish reaches the clients of its groups (once, even when in several), and a forged token
 * connects nobody.
 */
export function liveUpdatesContract(name: string, make: () => Promise<LiveHarness>) {
  describe(`live updates: ${name}`, () => {
    let h: LiveHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(async () => {
      await h.stop();
    });

    it('deliver what is published to a group its token names, and nothing published to another', async () => {
      const url = await h.live.clientUrl({ userId: 'alice', groups: ['queue.general'], origin: h.origin });
      const client = await connect(url, h.ca);
      try {
        await h.live.publish(['queue.billing'], message('not-for-alice'));
        await h.live.publish(['queue.general'], message('for-alice'));
        await until(() => client.messages.length > 0, 'the message to queue.general');
        await h.live.publish(['supervisors'], message('for-supervisors'));
        await h.live.publish(['queue.general'], message('last'));
        await until(() => client.messages.length > 1, 'the second message');
        expect(client.messages.map((m) => m.conversationId)).toEqual(['for-alice', 'last']);
        expect(client.messages[0]).toEqual(message('for-alice'));
      } finally {
        client.close();
      }
    });

    it('deliver a message once to a client in several of its groups', async () => {
      const url = await h.live.clientUrl({
        userId: 'dana',
        groups: ['agent.alice', 'supervisors'],
        origin: h.origin,
      });
      const client = await connect(url, h.ca);
      try {
        await h.live.publish(['agent.alice', 'supervisors'], message('one'));
        await h.live.publish(['queue.vip'], message('none'));
        await h.live.publish(['supervisors', 'queue.vip'], message('two'));
        await until(() => client.messages.length >= 2, 'both messages');
        expect(client.messages.map((m) => m.conversationId)).toEqual(['one', 'two']);
      } finally {
        client.close();
      }
    });

    it('refuse a client whose token was tampered with', async () => {
      const url = new URL(await h.live.clientUrl({ userId: 'bob', groups: ['queue.vip'], origin: h.origin }));
      const token = url.searchParams.get('access_token') ?? '';
      url.searchParams.set('access_token', `${token.slice(0, -4)}AAAA`);
      await expect(connect(url.toString(), h.ca)).rejects.toThrow(/401/);
      url.searchParams.delete('access_token');
      await expect(connect(url.toString(), h.ca)).rejects.toThrow(/401/);
    });
  });
}
