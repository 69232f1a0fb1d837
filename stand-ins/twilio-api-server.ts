import { createServer, type Server } from 'node:http';
import { closeServer, jsonAnswer, listenOnLoopback, readBody } from './http.js';
import { RateWindow } from './rate-window.js';

export interface TwilioSend {
  /** The account whose credentials the send came with (the path's and the Basic auth's SID). */
  accountSid: string;
  params: Record<string, string>;
  /** Every `MediaUrl` sent (the form repeats the key, once per file). */
  mediaUrls: string[];
  /** When the stand-in took it (ms, on its clock: performance.now() unless a spec gives another). */
  at: number;
}

interface Account {
  authToken: string;
  /** A secondary token not yet promoted: taken for API requests alongside the primary. */
  secondary: string | undefined;
  /** The account's Messaging Services; undefined: any MG SID is taken as the account's. */
  messagingServices: Set<string> | undefined;
}

/**
 * A local server speaking the part of Twilio's REST API we use: `POST Messages.json` with Basic
 * auth (account SID and auth token), form fields, 201 with a message resource, or the error a test
 * scripts (429, 5xx, 21610); `GET` the account. It holds one account or several, each with its own
 * auth token and Messaging Services: a request is taken only with the token of the account its
 * path names (20003 otherwise), and a `MessagingServiceSid` of another account, or of none, is
 * refused as Twilio refuses it (21701). Rotating a token, as promoting Twilio's secondary token
 * does, makes the old one refused from then on. Media is checked as Twilio's API checks it before
 * it fetches anything: a Body or a MediaUrl (21602), each MediaUrl an http(s) URL (21620), at most
 * 10 of them (21623); the files themselves are not fetched. With `limitPerSecond` it enforces a sender's rate
 * as carriers do: more than that many sends from one sender within a second get a 429.
 */
export class TwilioApiServer {
  readonly sends: TwilioSend[] = [];
  /** The requests refused for their credentials: `authentication <the SID they named>`. */
  readonly refused: string[] = [];
  tooManyRequests = 0;
  private readonly accounts = new Map<string, Account>();
  private readonly window: RateWindow | undefined;
  private readonly scripted: { status: number; body: unknown }[] = [];
  private server: Server | undefined;

  /** `now`: the clock the rate is counted on (ms); a spec may hold it still. */
  constructor(
    accountSid: string,
    authToken: string,
    limitPerSecond?: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.window = limitPerSecond === undefined ? undefined : new RateWindow(limitPerSecond);
    this.addAccount(accountSid, authToken);
  }

  /** Another account on the same API (a second customer of Twilio's, or a subaccount). */
  addAccount(accountSid: string, authToken: string, options: { messagingServices?: string[] } = {}) {
    this.accounts.set(accountSid, {
      authToken,
      secondary: undefined,
      messagingServices: options.messagingServices ? new Set(options.messagingServices) : undefined,
    });
  }

  /** The account's auth token is replaced (Twilio's secondary token promoted): the old one is refused. */
  rotateToken(accountSid: string, authToken: string) {
    const account = this.accounts.get(accountSid);
    if (!account) throw new Error(`the stand-in holds no account ${accountSid}`);
    account.authToken = authToken;
  }

  /** Twilio's secondary token: taken for API requests beside the primary until it is promoted. */
  addSecondaryToken(accountSid: string, authToken: string) {
    const account = this.accounts.get(accountSid);
    if (!account) throw new Error(`the stand-in holds no account ${accountSid}`);
    account.secondary = authToken;
  }

  /** The secondary becomes the primary; the old primary is refused from then on. */
  promoteSecondaryToken(accountSid: string) {
    const account = this.accounts.get(accountSid);
    if (!account?.secondary) throw new Error(`account ${accountSid} has no secondary token`);
    account.authToken = account.secondary;
    account.secondary = undefined;
  }

  /** The sends made with an account's credentials. */
  sendsOf(accountSid: string): TwilioSend[] {
    return this.sends.filter((send) => send.accountSid === accountSid);
  }

  /** Whether the service is the account's: listed, or the account lists none. */
  private ownsService(accountSid: string, account: Account, service: string): boolean {
    if (account.messagingServices) return account.messagingServices.has(service);
    // An account that lists none takes any service no other account lists.
    return ![...this.accounts].some(
      ([sid, other]) => sid !== accountSid && other.messagingServices?.has(service),
    );
  }

  private overLimit(sender: string): boolean {
    return this.window ? !this.window.take(sender, this.now()) : false;
  }

  /** The next send gets this answer instead of 201. */
  failNext(status: number, body: unknown) {
    this.scripted.push({ status, body });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const answer = jsonAnswer(res);
        const path = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(\.json|\/Messages\.json)$/.exec(
          req.url ?? '',
        );
        const accountSid = path?.[1] ?? '';
        const account = this.accounts.get(accountSid);
        const basic = (token: string | undefined) =>
          token === undefined
            ? undefined
            : `Basic ${Buffer.from(`${accountSid}:${token}`).toString('base64')}`;
        const presented = req.headers.authorization;
        const taken = [basic(account?.authToken), basic(account?.secondary)].filter(Boolean);
        if (!account || presented === undefined || !taken.includes(presented)) {
          this.refused.push(`authentication ${accountSid || req.url}`);
          return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
        }
        if (req.method === 'GET' && path?.[2] === '.json') {
          return answer(200, { sid: accountSid, friendly_name: 'Contoso support', status: 'active' });
        }
        if (req.method !== 'POST' || path?.[2] !== '/Messages.json') {
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
        if (
          params.MessagingServiceSid &&
          !this.ownsService(accountSid, account, params.MessagingServiceSid)
        ) {
          return answer(400, {
            code: 21701,
            message: 'The Messaging Service does not exist',
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
        this.sends.push({ accountSid, params, mediaUrls, at: this.now() });
        const sid = `SM${String(this.sends.length).padStart(32, '0')}`;
        answer(201, {
          sid,
          account_sid: accountSid,
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
