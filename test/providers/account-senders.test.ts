import { describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/domain/channel.js';
import { CredentialsRefusedError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import type { SecretSource, SendRequest, SmsSender } from '../../shared/ports.js';
import { AccountSenders } from '../../shared/providers/account-senders.js';
import { ProviderAccounts } from '../../shared/providers/accounts.js';

/** A vault by hand: what it holds now, and the value a reader has cached until it refreshes. */
class RotatingSecrets implements SecretSource {
  readonly values = new Map<string, string>();
  private readonly cached = new Map<string, string>();
  refreshes = 0;
  async get(name: string) {
    const value = this.cached.get(name) ?? this.values.get(name);
    if (value === undefined) throw new Error(`secret ${name} does not exist`);
    this.cached.set(name, value);
    return value;
  }
  previous() {
    return undefined;
  }
  async refresh(name: string) {
    this.refreshes += 1;
    this.cached.delete(name);
    return this.get(name);
  }
}

/** A Twilio account that accepts only its current token, as Twilio does. */
function fakeTwilio(accepted: Map<string, string>, sent: { account: string; token: string }[]) {
  return (account: { accountSid: string }, token: string): SmsSender => ({
    provider: 'twilio',
    idempotent: false,
    async send() {
      if (accepted.get(account.accountSid) !== token) throw new CredentialsRefusedError('Twilio 20003');
      sent.push({ account: account.accountSid, token });
      return { providerMessageId: `SM-${sent.length}` };
    },
    async checkCredentials() {
      return accepted.get(account.accountSid) === token
        ? { ok: true, detail: 'active' }
        : { ok: false, refused: true, detail: 'refused' };
    },
  });
}

const A = `AC${'a'.repeat(32)}`;
const B = `AC${'b'.repeat(32)}`;
const channel = (id: string, twilio: Channel['twilio']) => ({ id, provider: 'twilio', twilio }) as Channel;
const request = { text: 'hi' } as SendRequest;

function setUp() {
  const secrets = new RotatingSecrets();
  secrets.values.set('twilio-a-token', 'a-1');
  secrets.values.set('twilio-b-token', 'b-1');
  const accepted = new Map([
    [A, 'a-1'],
    [B, 'b-1'],
  ]);
  const sent: { account: string; token: string }[] = [];
  const twilio = fakeTwilio(accepted, sent);
  const senders = new AccountSenders(
    new ProviderAccounts({ twilio: undefined, telesign: undefined }, secrets),
    {
      twilio,
      telesign: () => {
        throw new Error('no TeleSign here');
      },
      acs: () => {
        throw new Error('no ACS here');
      },
    },
    createLogger(() => {}, 'error'),
  );
  return { secrets, accepted, sent, senders };
}

describe("a channel's own provider account", () => {
  it('sends each channel through its own account, one sender per account', async () => {
    const { senders, sent } = setUp();
    const a = channel('a', { accountSid: A, authTokenSecret: 'twilio-a-token' });
    const a2 = channel('a2', { accountSid: A, authTokenSecret: 'twilio-a-token' });
    const b = channel('b', { accountSid: B, authTokenSecret: 'twilio-b-token' });
    await senders.forChannel(a)?.send(request);
    await senders.forChannel(b)?.send(request);
    expect(sent.map((s) => s.account)).toEqual([A, B]);
    expect(senders.forChannel(a)).toBe(senders.forChannel(a2));
    expect(senders.forChannel(a)).not.toBe(senders.forChannel(b));
    expect(senders.forChannel(channel('plain', undefined))).toBeUndefined();
  });

  it('after a rotation, the refused send reads the secret again and succeeds once', async () => {
    const { senders, sent, secrets, accepted } = setUp();
    const a = channel('a', { accountSid: A, authTokenSecret: 'twilio-a-token' });
    await senders.forChannel(a)?.send(request);
    secrets.values.set('twilio-a-token', 'a-2');
    accepted.set(A, 'a-2');
    await senders.forChannel(a)?.send(request);
    expect(sent.map((s) => s.token)).toEqual(['a-1', 'a-2']);
    expect(secrets.refreshes).toBe(1);
  });

  it('a refusal with an unchanged secret is the send failing, not a loop', async () => {
    const { senders, accepted, secrets } = setUp();
    accepted.set(A, 'someone-else');
    const a = channel('a', { accountSid: A, authTokenSecret: 'twilio-a-token' });
    await expect(senders.forChannel(a)?.send(request)).rejects.toBeInstanceOf(CredentialsRefusedError);
    expect(secrets.refreshes).toBe(1);
  });

  it('refuses, when the channel is saved, a secret that does not exist or another provider’s account', async () => {
    const { senders } = setUp();
    await expect(
      senders.prepare(channel('c', { accountSid: A, authTokenSecret: 'twilio-missing' })),
    ).rejects.toThrow(/channel c: secret twilio-missing does not exist/);
    expect(() =>
      senders.forChannel({
        id: 'd',
        provider: 'acs',
        twilio: { accountSid: A, authTokenSecret: 'twilio-a-token' },
      } as Channel),
    ).toThrow(/uses provider acs but names a twilio account/);
  });
});
