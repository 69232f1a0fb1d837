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
