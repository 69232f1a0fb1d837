import type { CoreDeps } from './deps.js';

export interface ChannelCredentialCheck {
  channelId: string;
  provider: string;
  ok: boolean;
  detail: string;
}

/** The "validate API key" step: asks the channel's provider whether our credentials work. */
export async function checkChannelCredentials(
  deps: CoreDeps,
  channelId: string,
): Promise<ChannelCredentialCheck> {
  const channel = deps.directory.channel(channelId);
  const { ok, detail } = await deps.senders.forChannel(channel).checkCredentials();
  deps.logger.info('credentials.checked', { channelId, provider: channel.provider, ok });
  return { channelId, provider: channel.provider, ok, detail };
}
