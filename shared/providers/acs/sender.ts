import { hash } from 'node:crypto';
import type { SmsClient, SmsClientOptions } from '@azure/communication-sms';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { CredentialsRefusedError, SendError } from '../../errors.js';
import { lazily } from '../../lazy.js';
import type { CredentialCheck, SendRequest, SendResult, SmsSender } from '../../ports.js';
import { deliveryTag, looksOptedOut } from './events.js';

const REPEATABILITY_HEADER = 'x-sms-repeatability';

/** A message id as a UUID (ACS wants one), the same every time for the same message. */
export function repeatabilityId(messageId: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(messageId))
    return messageId.toLowerCase();
  const hex = hash('sha256', messageId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The SDK makes new repeatability ids on every call, which would turn a retried send into a
 * second SMS. This policy, run before the request is signed, puts ours back: the message id and
 * the time of the first attempt, so ACS recognises a repeat and does not send again.
 */
const repeatabilityPolicy: PipelinePolicy = {
  name: 'smsRepeatability',
  async sendRequest(request, next) {
    const value = request.headers.get(REPEATABILITY_HEADER);
    if (value && typeof request.body === 'string') {
      const [id, firstSent] = value.split('|');
      const body = JSON.parse(request.body) as { smsRecipients?: Record<string, unknown>[] };
      for (const recipient of body.smsRecipients ?? []) {
        recipient.repeatabilityRequestId = id;
        recipient.repeatabilityFirstSent = firstSent;
      }
      request.body = JSON.stringify(body);
      request.headers.delete(REPEATABILITY_HEADER);
    }
    return next(request);
  },
};

export type AcsConnection = { connectionString: string } | { endpoint: string; credential: TokenCredential };

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  const header = (
    error as { response?: { headers?: { get(name: string): string | undefined } } }
  ).response?.headers?.get('retry-after');
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** ACS echoes recipients as given, but a `+` may be dropped on the way: compare the digits. */
const sameNumber = (a: string | undefined, b: string) =>
  a !== undefined && a.replace(/\D/g, '') === b.replace(/\D/g, '');

/** Sends through ACS with its SDK, built once: a connection string, or the app's managed identity. */
export class AcsSender implements SmsSender {
  readonly provider = 'acs';
  readonly idempotent = true;
  /** Built at the first send or check: an instance that only takes events never loads the SDK. */
  private readonly client: () => Promise<SmsClient>;

  constructor(
    connection: AcsConnection,
    options: Pick<SmsClientOptions, 'allowInsecureConnection' | 'tlsOptions'> = {},
    /** Where an admin fixes refused credentials (the settings, or the secret a channel names). */
    private readonly credentialsHint = "check ACS_CONNECTION_STRING, or the app identity's role on the resource",
  ) {
    const clientOptions: SmsClientOptions = {
      additionalPolicies: [{ policy: repeatabilityPolicy, position: 'perCall' }],
      // The outbound queue retries with backoff and keeps order per number; the SDK must not.
      retryOptions: { maxRetries: 0 },
      ...options,
    };
    this.client = lazily(async () => {
      const { SmsClient } = await import('@azure/communication-sms');
      return 'connectionString' in connection
        ? new SmsClient(connection.connectionString, clientOptions)
        : new SmsClient(connection.endpoint, connection.credential, clientOptions);
    });
  }

  /**
   * ACS has no "who am I" call for SMS, so the check sends a request with no recipients: a signed
   * request is refused as malformed (400), an unsigned or wrongly signed one as unauthorised.
   */
  async checkCredentials(): Promise<CredentialCheck> {
    try {
      await (await this.client()).send({ from: '+10000000000', to: [], message: 'credential check' });
      return { ok: true, detail: 'ACS accepted the credentials' };
    } catch (error) {
      const status = statusOf(error);
      if (status === 400) return { ok: true, detail: 'ACS accepted the credentials' };
      if (status === 401 || status === 403) {
        return {
          ok: false,
          refused: true,
          detail: `ACS refused the credentials (${status}): ${this.credentialsHint}`,
        };
      }
      return { ok: false, detail: `ACS could not be asked: ${status ?? (error as Error).message}` };
    }
  }

  async send(request: SendRequest): Promise<SendResult> {
    const firstSent = new Date(request.firstAttemptAt).toUTCString();
    let results: Awaited<ReturnType<SmsClient['send']>>;
    try {
      results = await (await this.client()).send(
        { from: request.from, to: [request.to], message: request.text },
        {
          enableDeliveryReport: true,
          tag: deliveryTag(request.conversationId, request.idempotencyKey),
          requestOptions: {
            customHeaders: {
              [REPEATABILITY_HEADER]: `${repeatabilityId(request.idempotencyKey)}|${firstSent}`,
            },
          },
        },
      );
    } catch (error) {
      const status = statusOf(error);
      if (status === 429)
        throw new SendError('rate-limited', 'ACS rate limit (429)', retryAfterMs(error), { cause: error });
      if (status === undefined || status >= 500) {
        throw new SendError(
          'transient',
          `ACS unavailable (${status ?? (error as Error).message})`,
          undefined,
          { cause: error },
        );
      }
      if (status === 401)
        throw new CredentialsRefusedError(`ACS refused the credentials (${status})`, { cause: error });
      throw new SendError('permanent', `ACS refused the request (${status})`, undefined, { cause: error });
    }
    // A 202 answers per recipient (the REST spec's example lists several), and a recipient may
    // still have failed: only the result for our recipient speaks for this message.
    const result = results.find((r) => sameNumber(r.to, request.to));
    if (result?.successful && result.messageId) return { providerMessageId: result.messageId };
    const detail = result?.errorMessage ?? 'no result for the recipient';
    const status = result?.httpStatusCode;
    if (looksOptedOut(detail)) throw new SendError('opted-out', `ACS: ${detail}`);
    if (status === 429) throw new SendError('rate-limited', `ACS: ${detail}`);
    if (status === undefined || status >= 500) throw new SendError('transient', `ACS: ${detail}`);
    throw new SendError('permanent', `ACS: ${detail}`);
  }
}
