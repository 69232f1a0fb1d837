import { describe, expect, it } from 'vitest';
import { channelSchema, queueSchema } from '../../shared/domain/channel.js';
import { fieldProblem, hasVisible, languageTag, nameSchema, textSchema } from '../../shared/domain/fields.js';
import { validateMessageText, validateReceivedText } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { parseSeed } from '../../shared/domain/seed.js';

const invisible: [string, string][] = [
  ['blanks', '   '],
  ['a no-break space', '\u00a0'],
  ['zero-width spaces and joiners', '\u200b\u200c\u200d\u2060'],
  ['a byte-order mark and direction marks', '\ufeff\u200e\u200f'],
  ['control characters', '\u0000\u0007\u001b'],
  ['a Hangul filler', '\u3164'],
  ['the blank Braille pattern', '\u2800'],
  ['a combining mark alone', '\u0301'],
];

describe('names', () => {
  it.each(invisible)('refuses a name of only %s', (_name, value) => {
    const parsed = nameSchema().safeParse(value);
    expect(parsed.error?.issues[0]?.message).toBe(
      'must contain something visible (not only blanks, zero-width or control characters)',
    );
  });

  it('refuses control characters and line breaks inside a name', () => {
    expect(nameSchema().safeParse('Sales\nline').error?.issues[0]?.message).toBe(
      'must not contain control characters or line breaks',
    );
  });

  it('refuses a name over the limit, counting characters as people do', () => {
    expect(nameSchema().safeParse('a'.repeat(101)).error?.issues[0]?.message).toBe(
      'has 101 characters; the limit is 100',
    );
    expect(nameSchema().safeParse('😀'.repeat(100)).success).toBe(true);
  });

  it('keeps real names: accents, scripts, emoji joined with zero-width joiners, trimmed', () => {
    for (const name of ['Amélie', 'سارة', '客服', '👩‍💻 Support', 'Ünïcödé Ltd.'])
      expect(nameSchema().parse(name)).toBe(name);
    expect(nameSchema().parse('  Sales  ')).toBe('Sales');
  });
});

describe('texts', () => {
  it.each(invisible)('refuses a text of only %s', (_name, value) => {
    expect(textSchema(320).safeParse(value).success).toBe(false);
    expect(() => validateMessageText(value)).toThrow(/^text must (not be empty|contain something visible)/);
  });

  it('takes line breaks and tabs in a text, not other control characters', () => {
    expect(fieldProblem('Hello,\n\tsee you', 'text', 1600)).toBeUndefined();
    expect(fieldProblem('Hello\u0007', 'text', 1600)).toBe(
      'must not contain control characters (line breaks and tabs are fine)',
    );
  });

  it('refuses a notification text of only zero-width characters', () => {
    const parsed = notificationRequestSchema.safeParse({
      channelId: 'alerts',
      to: '+14255550123',
      text: '\u200b',
    });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['text'] });
  });

  it('takes whatever a customer sends that is not empty', () => {
    expect(validateReceivedText('\u200b')).toBe('\u200b');
    expect(hasVisible('\u200b')).toBe(false);
  });
});

describe('language tags', () => {
  it.each(['en', 'fr', 'pt-BR', 'pt-br', 'zh-Hant-TW', 'es-419', 'gsw'])('takes %s', (tag) => {
    expect(languageTag.parse(tag)).toBe(tag);
  });

  it.each([
    ['a path', '../../etc/passwd'],
    ['2,000 characters', `en-${'abcdefgh-'.repeat(222)}ab`],
    ['a made-up shape', 'english'],
    ['an empty tag', ''],
    ['a tag the BCP 47 grammar refuses', 'en-US-US'],
  ])('refuses %s', (_name, tag) => {
    expect(languageTag.safeParse(tag).success).toBe(false);
  });

  it('checks a channel language, a channel name and a queue name', () => {
    const channel = {
      id: 'sales',
      numbers: ['+14255550150'],
      provider: 'local',
      defaultQueueId: 'sales',
    };
    const paths = (input: unknown) =>
      channelSchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    expect(paths({ ...channel, name: '\u200b', language: '../../etc/passwd' })).toEqual(['name', 'language']);
    expect(queueSchema.safeParse({ id: 'sales', name: ' \u200d ' }).success).toBe(false);
  });
});

describe('the seed', () => {
  it('is held to the same rules, naming the field', () => {
    const seed = {
      channels: [
        {
          id: 'support',
          name: 'Support',
          numbers: ['+14255550100'],
          provider: 'local',
          language: 'e'.repeat(2000),
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: '\u200b' }],
      agents: [{ id: 'alice', name: ' ', capacity: 1, queueIds: ['general'] }],
    };
    const bounds = { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 };
    expect(() => parseSeed(seed, bounds)).toThrow(
      expect.objectContaining({
        issues: [
          { path: 'channels.0.language', message: 'a language tag has at most 35 characters' },
          { path: 'queues.0.name', message: expect.stringContaining('visible') },
          { path: 'agents.0.name', message: expect.stringContaining('visible') },
        ],
      }),
    );
  });
});

describe('the limits of names, texts and language tags', () => {
  it('a language tag of 35 characters is taken; of 36 it is refused as too long', () => {
    expect(languageTag.parse('en-abcdefgh-bcdefghi-cdefghij-defgh')).toBe(
      'en-abcdefgh-bcdefghi-cdefghij-defgh',
    );
    expect(languageTag.safeParse('en-abcdefgh-bcdefghi-cdefghij-defghi').error?.issues[0]?.message).toBe(
      'a language tag has at most 35 characters',
    );
  });

  it.each([
    ['upper-case language', 'EN'],
    ['a one-letter language', 'e'],
    ['a four-letter language', 'abcd'],
    ['a trailing hyphen', 'en-'],
    ['a one-letter subtag', 'en-x-abcdefgh'],
  ])('a tag with %s is refused with an example of a good one', (_name, tag) => {
    expect(languageTag.safeParse(tag).error?.issues[0]?.message).toBe(
      'not a BCP 47 language tag (such as en, fr or pt-BR)',
    );
  });

  it('a name or text may reach its limit, not pass it', () => {
    expect(fieldProblem('abcde', 'name', 5)).toBeUndefined();
    expect(fieldProblem('abcdef', 'name', 5)).toBe('has 6 characters; the limit is 5');
    expect(fieldProblem('abcdef', 'text', 5)).toBe('has 6 characters; the limit is 5');
  });

  it('a tab is fine in a text and not in a name', () => {
    expect(fieldProblem('a\tb', 'text', 5)).toBeUndefined();
    expect(fieldProblem('a\tb', 'name', 5)).toBe('must not contain control characters or line breaks');
  });

  it('a text schema trims and says what is wrong', () => {
    expect(textSchema(5).parse('  abc  ')).toBe('abc');
    expect(textSchema(5).safeParse('abcdef').error?.issues[0]?.message).toBe(
      'has 6 characters; the limit is 5',
    );
  });
});
