import type { App } from '../shared/app.js';
import { consentSchema } from '../shared/domain/consent.js';
import { withoutDefaultReplies, withReplies } from '../shared/domain/consent-replies.js';
import { channelPartFunction } from './manage.js';

/**
 * A channel's consent keywords (opt-out, opt-in, help) and the reply each gets: read with every
 * reply's text (the channel's own or the default), so an admin sees what customers are sent.
 */
export function manageChannelKeywordsFunction(app: App) {
  return channelPartFunction(app, {
    name: 'manageChannelKeywords',
    part: 'keywords',
    schema: consentSchema,
    read: (channel) => withReplies(channel.consent, channel.name, channel.language),
    write: (channel, consent) => ({
      ...channel,
      consent: withoutDefaultReplies(consent, channel.name, channel.language),
    }),
  });
}
