import type { App } from '../shared/app.js';
import { consentSchema } from '../shared/domain/consent.js';
import { channelPartFunction } from './manage.js';

/** A channel's consent keywords (opt-out, opt-in, help) and the replies each gets. */
export function manageChannelKeywordsFunction(app: App) {
  return channelPartFunction(app, {
    name: 'manageChannelKeywords',
    part: 'keywords',
    schema: consentSchema,
    read: (channel) => channel.consent,
    write: (channel, consent) => ({ ...channel, consent }),
  });
}
