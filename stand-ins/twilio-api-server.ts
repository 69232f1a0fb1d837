import { createServer, type Server } from 'node:http';
import { closeServer, jsonAnswer, listenOnLoopback, readBody } from './http.js';

export interface TwilioSend {
  params: Record<string, string>;
  /** Every `MediaUrl` sent (the form repeats the key, once per file). */
  mediaUrls: string[];
  /** When the stand-in took it (ms, performance.now()). */
  at: number;
}

/**
 * A local server speaking the part of Twilio's REST API we use: `POST Messages.json` with Basic
 * auth (account SID and auth token), form fields, 201 with a message resource, or the error a test
 * scripts (429, 5xx, 21610); `GET` the account. Media is checked as Twilio's API checks it before
 * it fetches anything: a Body or a MediaUrl (21602), each MediaUrl an http(s) URL (21620), at most
 * 10 of them (21623); the files themselves are not fetched. With `limitPerSecond` it enforces a sender's rate
 * as carriers do: more than that many sends from one sender within a second get a 429.
 */
export class TwilioApiServer {
  readonly sends: TwilioSend[] = [];
  readonly refused: string[] = [];
  tooManyRequests = 0;
  private readonly recent = new Map<string, number[]>();
  private readonly scripted: { status: number; body: unknown }[] = [];
  private server: Server | undefined;

  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
    private readonly limitPerSecond?: number,
  ) {}

  private overLimit(sender: string): boolean {
    if (this.limitPerSecond === undefined) return false;
    const now = performance.now();
    const times = (this.recent.get(sender) ?? []).filter((t) => now - t < 1000);
    // A little slack for timer jitter: a sender pacing itself exactly must never trip it.
    const over = times.length >= this.limitPerSecond + 1;
    if (!over) times.push(now);
    this.recent.set(sender, times);
    return over;
  }

  /** The next send gets this answer instead of 201. */
  failNext(status: number, body: unknown) {
    this.scripted.push({ status, body });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const answer = jsonAnswer(res);
        const expectedAuth = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
        if (req.headers.authorization !== expectedAuth) {
          this.refused.push('authentication');
          return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
        }
        if (req.method === 'GET' && req.url === `/2010-04-01/Accounts/${this.accountSid}.json`) {
          return answer(200, { sid: this.accountSid, friendly_name: 'Contoso support', status: 'active' });
        }
        if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${this.accountSid}/Messages.json`) {
          return answer(404, { code: 20404, message: 'Not found', status: 404 });
        }
        const form = new URLSearchParams(body);
        const params = Object.fromEntries(form);
        const mediaUrls = form.getAll('MediaUrl');
        if (!params.To || !(params.From || params.MessagingServiceSid)) {
          return answer(400, {
            code: 21604,
            message: 'A To, and From or MessagingServiceSid are required',
            status: 400,
          });
        }
        if (!params.Body && mediaUrls.length === 0) {
          return answer(400, { code: 21602, message: 'Message body is required', status: 400 });
        }
        if (mediaUrls.some((url) => !/^https?:\/\/[^/\s]+/i.test(url))) {
          return answer(400, { code: 21620, message: 'Invalid media URL(s)', status: 400 });
        }
        if (mediaUrls.length > 10) {
          return answer(400, {
            code: 21623,
            message: 'Number of media files exceeds allowed limit',
            status: 400,
          });
        }
        const scripted = this.scripted.shift();
        if (scripted) return answer(scripted.status, scripted.body);
        if (this.overLimit(params.MessagingServiceSid ?? params.From ?? '')) {
          this.tooManyRequests += 1;
          return answer(429, { code: 20429, message: 'Too Many Requests', status: 429 });
        }
        this.sends.push({ params, mediaUrls, at: performance.now() });
        const sid = `SM${String(this.sends.length).padStart(32, '0')}`;
        answer(201, {
          sid,
          account_sid: this.accountSid,
          to: params.To,
          from: params.From ?? null,
          messaging_service_sid: params.MessagingServiceSid ?? null,
          body: params.Body ?? '',
          num_media: String(mediaUrls.length),
          status: 'queued',
          num_segments: '1',
        });
      });
    });
    return listenOnLoopback(this.server);
  }

  stop() {
    return closeServer(this.server);
  }
}
