import { randomUUID } from 'node:crypto';
import { CredentialsRefusedError, SendError, SendInDoubtError } from '../../errors.js';
import type { CredentialCheck, SendRequest, SendResult, SmsSender } from '../../ports.js';
import { signTeleSignRequest, type TeleSignCredentials } from './signing.js';

export interface TeleSignSenderOptions extends TeleSignCredentials {
  apiBaseUrl: string;
  publicBaseUrl: string;
  /** Where an admin fixes refused credentials (the settings, or the secret a channel names). */
  credentialsHint?: string;
  /** How long a send waits for TeleSign's answer (default 30 s, as Twilio's SDK waits). */
  answerTimeoutMs?: number;
}

/**
 * Failures before the request could go out (the connection, its TLS handshake and certificate, the
 * URL): nothing was sent. Any other failure of a send (a connection broken after the request, no
 * answer in time) leaves it in doubt. fetch does not say whether the request went out, so this
 * reads the cause's code.
 */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const NOT_SENT_PREFIXES = ['ERR_TLS_', 'ERR_SSL_', 'CERT_'];
const causeCode = (error: unknown) => {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? code : undefined;
};
const notSent = (code: string | undefined) =>
  code !== undefined && (NOT_SENT.has(code) || NOT_SENT_PREFIXES.some((prefix) => code.startsWith(prefix)));

const PATH = '/v1/messaging';
const CONTENT_TYPE = 'application/x-www-form-urlencoded';
const digits = (number: string) => number.replace(/^\+/, '');

/**
 * Sends through TeleSign's REST API with a small typed client on `fetch` (the `telesignsdk`
 * package is callback-based and drops HTTP status codes). TeleSign takes no idempotency key, so
 * this sender is not idempotent: an interrupted send is never repeated blindly.
 */
export class TeleSignSender implements SmsSender {
  readonly provider = 'telesign';
  readonly idempotent = false;

  constructor(private readonly options: TeleSignSenderOptions) {}

  /** Asks for the status of a message that does not exist: 404 means the signature was accepted. */
  async checkCredentials(): Promise<CredentialCheck> {
    const path = '/v1/messaging/00000000000000000000000000000000';
    const headers = signTeleSignRequest(this.options, {
      method: 'GET',
      contentType: '',
      date: new Date().toUTCString(),
      nonce: randomUUID(),
      body: '',
      path,
    });
    delete headers['content-type'];
    try {
      const response = await fetch(`${this.options.apiBaseUrl}${path}`, { headers });
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false,
          refused: true,
          detail: `TeleSign refused the credentials (${response.status}): ${this.options.credentialsHint ?? 'check TELESIGN_CUSTOMER_ID and TELESIGN_API_KEY'}`,
        };
      }
      if (response.ok || response.status === 404)
        return { ok: true, detail: 'TeleSign accepted the credentials' };
      return { ok: false, detail: `TeleSign could not be asked (${response.status})` };
    } catch (error) {
      return { ok: false, detail: `TeleSign unreachable: ${(error as Error).message}` };
    }
  }

  async send(request: SendRequest): Promise<SendResult> {
    const callback = new URL(`${this.options.publicBaseUrl}/api/telesign/callback`);
    callback.searchParams.set('conversationId', request.conversationId);
    callback.searchParams.set('messageId', request.idempotencyKey);
    const body = new URLSearchParams({
      phone_number: digits(request.to),
      message: request.text,
      message_type: 'ARN',
      sender_id: digits(request.from),
      external_id: request.idempotencyKey,
      callback_url: callback.toString(),
    }).toString();
    const headers = signTeleSignRequest(this.options, {
      method: 'POST',
      contentType: CONTENT_TYPE,
      date: new Date().toUTCString(),
      nonce: randomUUID(),
      body,
      path: PATH,
    });
    let response: Response;
    try {
      response = await fetch(`${this.options.apiBaseUrl}${PATH}`, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.answerTimeoutMs ?? 30_000),
      });
    } catch (error) {
      const code = causeCode(error);
      const reason = `${(error as Error).message}${code ? ` (${code})` : ''}`;
      if (notSent(code))
        throw new SendError('transient', `TeleSign unreachable: ${reason}`, undefined, { cause: error });
      throw new SendInDoubtError(`TeleSign did not answer: ${reason}`, { cause: error });
    }
    const answer = (await response.json().catch(() => ({}))) as {
      reference_id?: string;
      status?: { code?: number; description?: string };
    };
    if (response.ok && answer.reference_id) return { providerMessageId: answer.reference_id };
    const detail = `TeleSign ${response.status}${answer.status?.code ? `/${answer.status.code}` : ''}: ${answer.status?.description ?? 'no description'}`;
    if (response.status === 401)
      throw new CredentialsRefusedError(`TeleSign refused the credentials: ${detail}`);
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      throw new SendError(
        'rate-limited',
        detail,
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      );
    }
    if (response.status >= 500) throw new SendError('transient', detail);
    throw new SendError('permanent', detail);
  }
}
