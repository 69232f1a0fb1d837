import type { Channel } from '../domain/channel.js';
import type { CoreDeps } from './deps.js';

export interface ChannelCredentialCheck {
  channelId: string;
  provider: string;
  /** Which account was checked, by its identifiers and the secret's name (never the secret). */
  account: string;
  ok: boolean;
  detail: string;
}

/** The account serving a channel: the one it names, else the deployment's (settings). */
export function accountOf(channel: Channel): string {
  if (channel.twilio?.accountSid)
    return `Twilio account ${channel.twilio.accountSid} (auth token in secret ${channel.twilio.authTokenSecret})`;
  if (channel.telesign)
    return `TeleSign customer ${channel.telesign.customerId} (API key in secret ${channel.telesign.apiKeySecret})`;
  if (channel.acs?.endpoint) {
    return `ACS resource ${channel.acs.endpoint} (${channel.acs.accessKeySecret ? `access key in secret ${channel.acs.accessKeySecret}` : "the app's identity"})`;
  }
  if (channel.acs?.resourceId) return `ACS resource ${channel.acs.resourceId} (the app's identity)`;
  return "the deployment's account (settings)";
}

/** The "validate API key" step: asks the channel's provider whether our credentials work. */
export async function checkChannelCredentials(
  deps: CoreDeps,
  channelId: string,
): Promise<ChannelCredentialCheck> {
  const channel = deps.directory.channel(channelId);
  const { ok, detail } = await deps.senders.forChannel(channel).checkCredentials();
  deps.logger.info('credentials.checked', { channelId, provider: channel.provider, ok });
  return { channelId, provider: channel.provider, account: accountOf(channel), ok, detail };
}
