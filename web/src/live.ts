import type { Api } from './api.js';
import type { LiveHint } from './types.js';

export type LiveStatus = 'connecting' | 'connected' | 'reconnecting';

export interface LiveHandlers {
  /** A hint that something changed; the page re-reads what it shows. */
  onHint(hint: LiveHint): void;
  /** Connected (first time or again): the page re-reads everything, since hints may be missed. */
  onConnected(): void;
  onStatus(status: LiveStatus): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/**
 * The live stream: negotiate a client URL for the signed-in person's groups, open a WebSocket,
 * and on any drop say so and try again (a fresh negotiate each time: tokens expire).
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly api: Api,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): void {
    this.handlers.onStatus('connecting');
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let url: string;
    try {
      ({ url } = await this.api.post<{ url: string }>('realtime/negotiate'));
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    const socket = new WebSocket(new URL(url, window.location.href).toString());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.handlers.onStatus('connected');
      this.handlers.onConnected();
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      try {
        const hint = JSON.parse(event.data) as LiveHint;
        if (hint && typeof hint.type === 'string') this.handlers.onHint(hint);
      } catch {
        // Not a hint (a service frame); nothing to re-read.
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.handlers.onStatus('reconnecting');
    const delay = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)] ?? 4000;
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
