import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { LocalLiveHub } from '../shared/adapters/local-live-hub.js';
import type { Logger } from '../shared/ports.js';

export const REALTIME_PATH = '/api/realtime';

function refuse(socket: Duplex, status: number, reason: string) {
  const body = JSON.stringify({
    error: { code: status === 401 ? 'unauthorized' : 'not-found', message: reason },
  });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * The local host's live stream: WebSocket connections on /api/realtime, each with the token
 * `POST realtime/negotiate` handed out, joined to the token's groups only. A missing, forged or
 * expired token is refused before the upgrade (401).
 */
export function serveRealtime(server: Server, hub: LocalLiveHub, logger: Logger): { close(): void } {
  const sockets = new WebSocketServer({ noServer: true });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== REALTIME_PATH) return refuse(socket, 404, 'no such route');
    const groups = hub.verifyToken(url.searchParams.get('access_token') ?? '');
    if (!groups)
      return refuse(socket, 401, 'a valid access_token from POST /api/realtime/negotiate is needed');
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const leave = hub.subscribe(groups, (text) => ws.send(text));
      ws.on('close', leave);
      ws.on('error', () => leave());
      logger.debug('live.connected', { groups: groups.length });
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      server.off('upgrade', onUpgrade);
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
    },
  };
}
