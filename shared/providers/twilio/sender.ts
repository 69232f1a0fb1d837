import type twilio from 'twilio';
import { CredentialsRefusedError, errorText, SendError, SendInDoubtError } from '../../errors.js';
import { lazily } from '../../lazy.js';
import type { CredentialCheck, SendRequest, SendResult, SmsSender } from '../../ports.js';
import { TwilioMessagesApi, TwilioNoAnswerError } from './messages-api.js';

type TwilioClient = ReturnType<typeof twilio>;

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** Tests point the SDK at a local server speaking Twilio's API. */
  apiBaseUrl: string | undefined;
  publicBaseUrl: string;
  /** Where an admin fixes refused credentials (the settings, or the secret a channel names). */
  credentialsHint?: string;
}

const DEFAULT_HINT = 'check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN';

/** 401, or 20003 ("Authenticate"): the account SID and auth token were not accepted. */
const refusedCredentials = (status: unknown, code: unknown) => status === 401 || code === 20003;

/** Twilio's answer to a failed send, sorted into what the outbound worker does about it. */
export function classifyTwilioError(error: unknown): SendError {
  const status = (error as { status?: unknown }).status;
  const code = (error as { code?: unknown }).code;
  const message = errorText(error);
  if (error instanceof TwilioNoAnswerError)
    return new SendInDoubtError(`Twilio did not answer: ${message}`, { cause: error });
  if (typeof status !== 'number')
    return new SendError('transient', `Twilio unreachable: ${message}`, undefined, { cause: error });
  if (refusedCredentials(status, code)) {
    return new CredentialsRefusedError(`Twilio refused the account's credentials (${code ?? status})`, {
      cause: error,
    });
  }
  if (code === 21610) {
    return new SendError('opted-out', 'the recipient replied STOP to this number (Twilio 21610)', undefined, {
      cause: error,
    });
  }
  if (status === 429)
    return new SendError('rate-limited', `Twilio rate limit (${code ?? 429})`, undefined, { cause: error });
  if (status >= 500) return new SendError('transient', `Twilio error ${status}`, undefined, { cause: error });
  return new SendError('permanent', `Twilio refused the message (${code ?? status}: ${message})`, undefined, {
    cause: error,
  });
}

/**
 * Sends through Twilio's Messages API (one keep-alive HTTP call, see TwilioMessagesApi); checks
 * the credentials with the SDK, built at the first check. Twilio's Messages API takes no
 * idempotency key, so this sender is not idempotent: the outbound worker refuses to resend a
 * message whose earlier attempt ended without an answer (see deliverOutbound).
 */
export class TwilioSender implements SmsSender {
  readonly provider = 'twilio';
  readonly idempotent = false;
  /** Built at the first send or check: an instance that only takes webhooks never loads the SDK. */
  private readonly client: () => Promise<TwilioClient>;
  private readonly messages: TwilioMessagesApi;
  /** The status callback's fixed part; each send adds its conversation and message. */
  private readonly callbackBase: string;

  constructor(private readonly options: TwilioSenderOptions) {
    this.messages = new TwilioMessagesApi(options.accountSid, options.authToken, options.apiBaseUrl);
    this.callbackBase = new URL(`${options.publicBaseUrl}/api/twilio/status`).toString();
    this.client = lazily(async () => {
      const { default: twilio } = await import('twilio');
      // The queue retries with backoff; the SDK's own retries would hide 429s from it.
      const client = twilio(options.accountSid, options.authToken, { autoRetry: false });
      if (options.apiBaseUrl) client.api.baseUrl = options.apiBaseUrl;
      return client;
    });
  }

  async checkCredentials(): Promise<CredentialCheck> {
    try {
      const client = await this.client();
      const account = await client.api.v2010.accounts(this.options.accountSid).fetch();
      return account.status === 'active'
        ? { ok: true, detail: `Twilio account ${account.friendlyName} is active` }
        : { ok: false, detail: `Twilio account ${account.friendlyName} is ${account.status}` };
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 401 || status === 403) {
        return {
          ok: false,
          refused: true,
          detail: `Twilio refused the account SID and auth token (${this.options.credentialsHint ?? DEFAULT_HINT})`,
        };
      }
      return { ok: false, detail: `Twilio could not be asked: ${classifyTwilioError(error).message}` };
    }
  }

  async send(request: SendRequest): Promise<SendResult> {
    const callback = `${this.callbackBase}?${new URLSearchParams({
      conversationId: request.conversationId,
      messageId: request.idempotencyKey,
    })}`;
    // A channel with a Messaging Service sends through it (Twilio picks the pool's number).
    const service = request.channel.twilio?.messagingServiceSid;
    try {
      const sid = await this.messages.create({
        to: request.to,
        body: request.text,
        statusCallback: callback,
        ...(request.media?.length ? { mediaUrl: request.media.map((media) => media.url) } : {}),
        ...(service ? { messagingServiceSid: service } : { from: request.from }),
      });
      return { providerMessageId: sid };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }
}
