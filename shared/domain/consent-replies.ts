import { type ConsentSettings, type Keyword, keywordReply } from './consent.js';

const replyFields: Record<Keyword, 'optOutReply' | 'optInReply' | 'helpReply'> = {
  'opt-out': 'optOutReply',
  'opt-in': 'optInReply',
  help: 'helpReply',
};

/**
 * The keyword settings as an admin reads them: every reply filled with the text customers get (the
 * default in the channel's language; a customer whose own language is shipped gets theirs).
 */
export function withReplies(
  settings: ConsentSettings,
  channelName: string,
  language?: string,
): ConsentSettings {
  const filled = { ...settings };
  for (const [keyword, field] of Object.entries(replyFields) as [Keyword, (typeof replyFields)[Keyword]][])
    filled[field] = keywordReply(keyword, settings, channelName, false, { channel: language });
  return filled;
}

/**
 * The keyword settings as they are kept: a reply equal to the default text is stored as "the
 * default", so a settings read and written back (with its filled-in replies) keeps following the
 * default when the channel is renamed.
 */
export function withoutDefaultReplies(
  settings: ConsentSettings,
  channelName: string,
  language?: string,
): ConsentSettings {
  const kept = { ...settings };
  for (const [keyword, field] of Object.entries(replyFields) as [Keyword, (typeof replyFields)[Keyword]][]) {
    const fallback = keywordReply(keyword, { ...settings, [field]: undefined }, channelName, false, {
      channel: language,
    });
    if (kept[field] === fallback) delete kept[field];
  }
  return kept;
}
