import { describe, expect, it } from 'vitest';
import { notificationPartition, notificationRequestSchema } from '../../shared/domain/notification.js';

const problems = (input: unknown) => {
  const result = notificationRequestSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe("a flow's notification request", () => {
  it('sends literal text to one number, now, holding it through quiet hours', () => {
    expect(
      notificationRequestSchema.parse({
        channelId: 'support-us',
        to: '+14255550123',
        text: 'Your order #12345 has shipped.',
      }),
    ).toEqual({
      channelId: 'support-us',
      to: ['+14255550123'],
      text: 'Your order #12345 has shipped.',
      values: {},
      quietHours: 'hold',
    });
  });

  it('sends a template filled with values to a list of numbers, at a given time', () => {
    expect(
      notificationRequestSchema.parse({
        channelId: 'support-us',
        to: ['+14255550123', '+14255550124'],
        templateId: 'appointment-reminder',
        values: { name: 'Dana', slot: 3 },
        language: 'fr',
        sendAt: '2026-12-03T09:00:00+01:00',
        quietHours: 'refuse',
      }),
    ).toMatchObject({
      to: ['+14255550123', '+14255550124'],
      templateId: 'appointment-reminder',
      values: { name: 'Dana', slot: 3 },
      language: 'fr',
      sendAt: '2026-12-03T09:00:00+01:00',
      quietHours: 'refuse',
    });
  });

  it('gives either text or a template, not both and not neither', () => {
    const base = { channelId: 'support-us', to: '+14255550123' };
    expect(problems({ ...base, text: 'Hi', templateId: 'welcome' })).toEqual([
      'text: give either text or templateId',
    ]);
    expect(problems(base)).toEqual(['text: give either text or templateId']);
    expect(problems({ ...base, templateId: 'welcome' })).toEqual([]);
  });

  it('refuses a text no phone would show, in the words of the message rules', () => {
    expect(problems({ channelId: 'support-us', to: '+14255550123', text: '   ' })).toEqual([
      'text: text must not be empty',
    ]);
    expect(problems({ channelId: 'support-us', to: '+14255550123', text: 'a'.repeat(1601) })).toEqual([
      'text: text has 1601 characters; the limit is 1600',
    ]);
  });

  it('lives in a partition of its own', () => {
    expect(notificationPartition('n-42')).toBe('notification:n-42');
  });
});
