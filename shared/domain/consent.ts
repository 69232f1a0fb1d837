import { z } from 'zod';

/** The carrier-standard keywords (CTIA, Twilio's defaults), whole message, any case. */
export const defaultKeywords = {
  optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
  optIn: ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
};

const keywordList = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(40)
      .transform((k) => k.toUpperCase()),
  )
  .min(1);

/** A channel's consent settings; every field has a default. */
export const consentSchema = z.object({
  optOut: keywordList.default(defaultKeywords.optOut),
  optIn: keywordList.default(defaultKeywords.optIn),
  help: keywordList.default(defaultKeywords.help),
  optOutReply: z.string().min(1).max(320).optional(),
  optInReply: z.string().min(1).max(320).optional(),
  helpReply: z.string().min(1).max(320).optional(),
});
export type ConsentSettings = z.output<typeof consentSchema>;

export type Keyword = 'opt-out' | 'opt-in' | 'help';

/** Which keyword a whole message is, if any: "stop" and " Stop " are; "stop it" is not. */
export function keywordOf(text: string, settings: ConsentSettings): Keyword | undefined {
  const word = text.trim().toUpperCase();
  if (settings.optOut.includes(word)) return 'opt-out';
  if (settings.optIn.includes(word)) return 'opt-in';
  if (settings.help.includes(word)) return 'help';
  return undefined;
}

/** The one answer each keyword gets, in the channel's words or these. */
export function keywordReply(
  keyword: Keyword,
  settings: ConsentSettings,
  channelName: string,
  outboundOnly = false,
): string {
  switch (keyword) {
    case 'opt-out':
      return (
        settings.optOutReply ??
        `You are unsubscribed from ${channelName} and will get no more messages. Reply START to resubscribe.`
      );
    case 'opt-in':
      return (
        settings.optInReply ??
        `You are subscribed to ${channelName} again. Reply STOP to unsubscribe, HELP for help.`
      );
    case 'help':
      return (
        settings.helpReply ??
        (outboundOnly
          ? `${channelName}: this number only sends messages; replies do not reach anyone. Reply STOP to unsubscribe.`
          : `${channelName}: reply to this message to reach us. Reply STOP to unsubscribe.`)
      );
  }
}
