import { describe, expect, it } from 'vitest';
import { consentSchema, keywordOf, keywordReply } from '../../shared/domain/consent.js';

const defaults = consentSchema.parse({});

describe('consent keywords', () => {
  it.each(['STOP', 'stop', ' Stop ', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit', 'REVOKE', 'optout'])(
    '%j opts out',
    (text) => {
      expect(keywordOf(text, defaults)).toBe('opt-out');
    },
  );

  it.each(['START', 'yes', ' Unstop'])('%j opts back in', (text) => {
    expect(keywordOf(text, defaults)).toBe('opt-in');
  });

  it.each(['HELP', 'info'])('%j asks for help', (text) => {
    expect(keywordOf(text, defaults)).toBe('help');
  });

  it.each(['stop it', 'please stop', 'STOP!', 'yes please', 'helpful', ''])(
    '%j is an ordinary message',
    (text) => {
      expect(keywordOf(text, defaults)).toBeUndefined();
    },
  );

  it('can be set per channel', () => {
    const custom = consentSchema.parse({ optOut: ['arret', 'STOP'], help: ['aide'] });
    expect(keywordOf('ARRET', custom)).toBe('opt-out');
    expect(keywordOf('Aide', custom)).toBe('help');
    expect(keywordOf('info', custom)).toBeUndefined();
  });

  it('answer in the channel words, or name the channel', () => {
    expect(keywordReply('opt-out', defaults, 'Contoso support')).toMatch(
      /unsubscribed from Contoso support.*START/,
    );
    expect(keywordReply('help', consentSchema.parse({ helpReply: 'Call 0800 123' }), 'x')).toBe(
      'Call 0800 123',
    );
  });
});

describe('the default keyword replies', () => {
  const languages = ['en', 'fr', 'es', 'de', 'pt', 'it', 'nl'];
  const replies = (customer: string | undefined, channel?: string, outboundOnly = false) =>
    (['opt-out', 'opt-in', 'help'] as const).map((keyword) =>
      keywordReply(keyword, defaults, 'Contoso', outboundOnly, { customer, channel }),
    );

  it.each(languages)('in %s name the channel and the English keywords carriers honour', (language) => {
    const [optOut, optIn, help] = replies(language);
    const [, , helpOutboundOnly] = replies(language, undefined, true);
    for (const reply of [optOut, optIn, help, helpOutboundOnly]) expect(reply).toContain('Contoso');
    expect(optOut).toContain('START');
    expect(optIn).toContain('STOP');
    expect(optIn).toContain('HELP');
    expect(help).toContain('STOP');
    expect(helpOutboundOnly).toContain('STOP');
    expect(new Set([optOut, optIn, help, helpOutboundOnly]).size).toBe(4);
  });

  it('differ from one language to the next', () => {
    const texts = languages.map((language) => replies(language, undefined, true).join('|'));
    expect(new Set(texts).size).toBe(languages.length);
  });

  it('say in English what each keyword did', () => {
    const [optOut, optIn, help] = replies('en');
    expect(optOut).toBe(
      'You are unsubscribed from Contoso and will get no more messages. Reply START to resubscribe.',
    );
    expect(optIn).toBe('You are subscribed to Contoso again. Reply STOP to unsubscribe, HELP for help.');
    expect(help).toBe('Contoso: reply to this message to reach us. Reply STOP to unsubscribe.');
    expect(replies('en', undefined, true)[2]).toBe(
      'Contoso: this number only sends messages; replies do not reach anyone. Reply STOP to unsubscribe.',
    );
  });

  it('are in the customer’s language, by its primary tag, then the channel’s, then English', () => {
    expect(replies('FR-ca', 'de')).toEqual(replies('fr'));
    expect(replies('ja', 'de')).toEqual(replies('de'));
    expect(replies(undefined, 'nl-BE')).toEqual(replies('nl'));
    expect(replies('ja', 'ko')).toEqual(replies('en'));
    expect(replies(undefined, undefined)).toEqual(replies('en'));
    expect(replies('', '')).toEqual(replies('en'));
    expect(keywordReply('help', defaults, 'Contoso')).toBe(replies('en')[2]);
  });

  it('give way to the channel’s own words for each keyword', () => {
    const own = consentSchema.parse({ optOutReply: 'Bye', optInReply: 'Welcome back', helpReply: 'Call us' });
    expect(keywordReply('opt-out', own, 'Contoso', false, { customer: 'fr' })).toBe('Bye');
    expect(keywordReply('opt-in', own, 'Contoso', false, { customer: 'fr' })).toBe('Welcome back');
    expect(keywordReply('help', own, 'Contoso', true, { customer: 'fr' })).toBe('Call us');
  });
});

describe('consent settings', () => {
  it('default to the carrier-standard keywords and no replies of their own', () => {
    expect(defaults).toEqual({
      optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
      optIn: ['START', 'YES', 'UNSTOP'],
      help: ['HELP', 'INFO'],
    });
  });

  it('keep keywords trimmed and in capitals, and refuse an empty list or keyword', () => {
    expect(consentSchema.parse({ help: [' aide '] }).help).toEqual(['AIDE']);
    expect(consentSchema.safeParse({ help: [] }).success).toBe(false);
    expect(consentSchema.safeParse({ help: ['  '] }).success).toBe(false);
  });
});
