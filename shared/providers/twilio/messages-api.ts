import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const TWILIO_API = 'https://api.twilio.com';
/**
 * The SDK's default: a send that hangs this long is given up, and counts as one Twilio may have
 * taken (TwilioNoAnswerError).
 */
const TIMEOUT_MS = 30_000;

/** Twilio's error answer, shaped as the SDK's RestException so one classifier reads both. */
export class TwilioRestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioRestError';
  }
}

/**
 * The request went out whole and no full answer came back (the connection broke, or the wait ran
 * out): Twilio may have taken the message. An error before the request went out (a refused
 * connection, a name that does not resolve) is the socket's own: nothing was sent.
 */
export class TwilioNoAnswerError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'TwilioNoAnswerError';
  }
}

interface Answer {
  sid?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Twilio answers JSON; a proxy's error page may not be. */
function parseAnswer(text: string): Answer | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Answer) : undefined;
  } catch {
    return undefined;
  }
}

export interface MessageFields {
  to: string;
  body: string;
  statusCallback: string;
  from?: string;
  messagingServiceSid?: string;
  mediaUrl?: string[];
}

/**
 * `POST /2010-04-01/Accounts/{sid}/Messages.json` as the Twilio SDK sends it (Basic auth, the same
 * form fields, MediaUrl repeated), over one keep-alive agent. The SDK builds each send through
 * axios and several layers of its own: on the queue thread that cost more than every store write
 * of the send together, and a number's sends are serial (its session), so it bounded the pace.
 * The SDK stays for everything else (the credential check, webhook signatures).
 */
export class TwilioMessagesApi {
  private readonly url: URL;
  private readonly authorization: string;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(accountSid: string, authToken: string, apiBaseUrl: string | undefined) {
    this.url = new URL(
      `${(apiBaseUrl ?? TWILIO_API).replace(/\/$/, '')}/2010-04-01/Accounts/${accountSid}/Messages.json`,
    );
    this.authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    const secure = this.url.protocol === 'https:';
    this.agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.request = secure ? (httpsRequest as typeof httpRequest) : httpRequest;
  }

  /**
   * Sends one message; answers its SID, or throws TwilioRestError (an answer), TwilioNoAnswerError
   * (sent, not answered) or the socket's error (not sent).
   */
  create(fields: MessageFields): Promise<string> {
    // In the SDK's order, so a capture of either reads the same.
    const form = [
      ['To', fields.to],
      ['StatusCallback', fields.statusCallback],
      ...(fields.from !== undefined ? [['From', fields.from]] : []),
      ...(fields.messagingServiceSid !== undefined
        ? [['MessagingServiceSid', fields.messagingServiceSid]]
        : []),
      ['Body', fields.body],
      ...(fields.mediaUrl ?? []).map((url) => ['MediaUrl', url]),
    ]
      .map(([key, value]) => `${key}=${encodeURIComponent(value as string)}`)
      .join('&');
    const payload = Buffer.from(form);
    return new Promise((resolve, reject) => {
      let sent = false;
      const req = this.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: TIMEOUT_MS,
          headers: {
            authorization: this.authorization,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': payload.length,
            accept: 'application/json',
            'accept-charset': 'utf-8',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new TwilioNoAnswerError(error)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const body = parseAnswer(Buffer.concat(chunks).toString('utf8'));
            if (status >= 200 && status < 300 && typeof body?.sid === 'string') return resolve(body.sid);
            reject(
              new TwilioRestError(
                status,
                typeof body?.code === 'number' ? body.code : undefined,
                typeof body?.message === 'string'
                  ? body.message
                  : `[HTTP ${status}] Failed to execute request`,
              ),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('finish', () => {
        sent = true;
      });
      req.on('error', (error) => reject(sent ? new TwilioNoAnswerError(error) : error));
      req.end(payload);
    });
  }
}
