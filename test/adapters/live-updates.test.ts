import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { TokenCredential } from '@azure/core-auth';
import { describe, expect, it } from 'vitest';
import { serveRealtime } from '../../local/realtime.js';
import { LocalLiveHub } from '../../shared/adapters/local-live-hub.js';
import { WebPubSubLive } from '../../shared/adapters/web-pubsub-live.js';
import { createLogger } from '../../shared/logger.js';
import { closeServer, listenOnLoopback } from '../../stand-ins/http.js';
import { localhostCertificate } from '../../stand-ins/tls-certificate.js';
import { signJwt, WEB_PUBSUB_AUDIENCE, WebPubSubStandIn } from '../../stand-ins/web-pubsub-server.js';
import { connect, liveUpdatesContract } from '../contracts/live-updates.contract.js';

/** The app's identity as Entra ID would serve it: a signed token for the scope asked. */
function identity(entraKey: Buffer, asked: string[][] = []): TokenCredential {
  return {
    getToken: async (scopes) => {
      const list = Array.isArray(scopes) ? scopes : [scopes];
      asked.push(list);
      const aud = (list[0] ?? '').replace(/\/\.default$/, '');
      const exp = Math.floor(Date.now() / 1000) + 3600;
      return { token: signJwt({ aud, exp }, entraKey), expiresOnTimestamp: exp * 1000 };
    },
  };
}

liveUpdatesContract('the local host WebSocket', async () => {
  const hub = new LocalLiveHub();
  const server = createServer((_req, res) => res.writeHead(404).end());
  const realtime = serveRealtime(
    server,
    hub,
    createLogger(() => {}, 'error'),
  );
  const origin = await listenOnLoopback(server);
  return {
    live: hub,
    origin,
    stop: async () => {
      realtime.close();
      await closeServer(server);
    },
  };
});

const tls = localhostCertificate();

liveUpdatesContract('Azure Web PubSub (the stand-in)', async () => {
  const entraKey = randomBytes(32);
  const service = new WebPubSubStandIn(tls, entraKey, 'workspace');
  const endpoint = await service.start();
  return {
    live: new WebPubSubLive(endpoint, 'workspace', identity(entraKey), { tlsOptions: { ca: tls.cert } }),
    origin: 'https://app.example',
    ca: tls.cert,
    stop: () => service.stop(),
  };
});

describe('the Web PubSub adapter, as the service sees it', () => {
  it('asks Entra ID for Web PubSub, sends one filtered message to the hub, and has the service sign client tokens', async () => {
    const entraKey = randomBytes(32);
    const service = new WebPubSubStandIn(tls, entraKey, 'workspace');
    const endpoint = await service.start();
    const asked: string[][] = [];
    const live = new WebPubSubLive(endpoint, 'workspace', identity(entraKey, asked), {
      tlsOptions: { ca: tls.cert },
    });
    try {
      const url = await live.clientUrl({ userId: 'alice', groups: ["queue.o'brien"] });
      expect(url).toMatch(/^wss:\/\/localhost:\d+\/client\/hubs\/workspace\?access_token=/);
      const client = await connect(url, tls.cert);
      await live.publish(["queue.o'brien", 'supervisors'], {
        type: 'queue.changed',
        queueId: "o'brien",
        at: '2026-11-23T09:00:00.000Z',
      });
      expect(service.sent).toEqual([
        {
          hub: 'workspace',
          groups: ["queue.o'brien", 'supervisors'],
          apiVersion: '2024-12-01',
          contentType: expect.stringContaining('application/json'),
          body: JSON.stringify({ type: 'queue.changed', queueId: "o'brien", at: '2026-11-23T09:00:00.000Z' }),
        },
      ]);
      expect(asked.every((scopes) => scopes.join() === `${WEB_PUBSUB_AUDIENCE}/.default`)).toBe(true);
      client.close();
    } finally {
      await service.stop();
    }
  });

  it('gives up a send the service does not answer, instead of holding the writer up', async () => {
    const entraKey = randomBytes(32);
    const service = new WebPubSubStandIn(tls, entraKey, 'workspace');
    const endpoint = await service.start();
    service.stallSends = true;
    const live = new WebPubSubLive(endpoint, 'workspace', identity(entraKey), {
      tlsOptions: { ca: tls.cert },
      publishTimeoutMs: 300,
    });
    try {
      await expect(
        live.publish(['supervisors'], { type: 'agent.changed', at: '2026-11-23T09:00:00.000Z' }),
      ).rejects.toThrow(/abort/i);
    } finally {
      await service.stop();
    }
  });

  it('is refused by the service with a token for another audience', async () => {
    const entraKey = randomBytes(32);
    const service = new WebPubSubStandIn(tls, entraKey, 'workspace');
    const endpoint = await service.start();
    const wrong: TokenCredential = {
      getToken: async () => ({
        token: signJwt(
          { aud: 'https://management.azure.com', exp: Math.floor(Date.now() / 1000) + 60 },
          entraKey,
        ),
        expiresOnTimestamp: Date.now() + 60_000,
      }),
    };
    const live = new WebPubSubLive(endpoint, 'workspace', wrong, { tlsOptions: { ca: tls.cert } });
    try {
      await expect(
        live.publish(['supervisors'], { type: 'agent.changed', at: '2026-11-23T09:00:00.000Z' }),
      ).rejects.toThrow();
      expect(service.sent).toEqual([]);
      expect(service.refused[0]?.reason).toMatch(/audience/);
    } finally {
      await service.stop();
    }
  });
});
