import { CredentialsRefusedError, SendError } from '../errors.js';
import type { CredentialCheck, Logger, SendRequest, SendResult, SmsSender } from '../ports.js';
import type { HeldSecret } from './accounts.js';

export interface SecretBackedOptions {
  provider: string;
  idempotent: boolean;
  /** The account, for logs (never the secret). */
  account: string;
  secret: HeldSecret;
  /** Builds the provider's client with this value of the secret. */
  build(value: string): SmsSender;
  logger: Logger;
}

/**
 * A provider account's sender whose secret lives in the secret store: built once per value of the
 * secret (a send costs no vault read while the value is cached), built anew when the value changes
 * (rotated, read after the cache time), and when the provider refuses the credentials the secret
 * is read again at once and the send tried once more with the new value. A refusal sent nothing,
 * so the second try cannot send twice.
 */
export class SecretBackedSender implements SmsSender {
  readonly provider: string;
  readonly idempotent: boolean;
  private built: { value: string; sender: SmsSender } | undefined;

  constructor(private readonly options: SecretBackedOptions) {
    this.provider = options.provider;
    this.idempotent = options.idempotent;
  }

  private senderFor(value: string): SmsSender {
    if (this.built?.value !== value) this.built = { value, sender: this.options.build(value) };
    return this.built.sender;
  }

  private async value(): Promise<string> {
    try {
      return await this.options.secret.get();
    } catch (error) {
      // The vault may be back soon, or an admin adds the secret: the message waits and is retried.
      throw new SendError(
        'transient',
        `the ${this.options.provider} account's ${this.options.secret.where} cannot be read: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }

  /** The secret read again after a refusal; undefined when it has not changed (nothing to retry). */
  private async renewed(value: string): Promise<string | undefined> {
    const fresh = await this.options.secret.refresh().catch(() => value);
    if (fresh === value) return undefined;
    this.options.logger.info('account.secret-renewed', {
      provider: this.options.provider,
      account: this.options.account,
    });
    return fresh;
  }

  async send(request: SendRequest): Promise<SendResult> {
    const value = await this.value();
    try {
      return await this.senderFor(value).send(request);
    } catch (error) {
      if (!(error instanceof CredentialsRefusedError)) throw error;
      const fresh = await this.renewed(value);
      if (fresh === undefined) throw error;
      return this.senderFor(fresh).send(request);
    }
  }

  async checkCredentials(): Promise<CredentialCheck> {
    let value: string;
    try {
      value = await this.options.secret.get();
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
    const check = await this.senderFor(value).checkCredentials();
    if (check.ok || !check.refused) return check;
    const fresh = await this.renewed(value);
    return fresh === undefined ? check : this.senderFor(fresh).checkCredentials();
  }
}
