import { describe, expect, it } from 'vitest';
import {
  awaitsSurveyAnswer,
  SURVEY_REPLY_WINDOW_MINUTES,
  surveyScoreOf,
  withSurveyAnswer,
} from '../../shared/domain/survey.js';
import { aConversation } from '../support/builders.js';

const SENT = '2026-11-23T10:00:00.000Z';
const minutesAfterSent = (minutes: number) => new Date(Date.parse(SENT) + minutes * 60_000);
const surveyed = (overrides: Parameters<typeof aConversation>[0] = {}) =>
  aConversation({ state: 'closed', closedAt: SENT, survey: { sentAt: SENT }, ...overrides });

describe('the score of a survey reply', () => {
  it.each([
    ['5 - merci', 5],
    ['4/5', 4],
    [' 3 ', 3],
    ['1', 1],
    ['2, could be faster', 2],
    ['5.', 5],
  ])('"%s" scores %i', (text, score) => {
    expect(surveyScoreOf(text)).toBe(score);
  });

  it.each(['10', '4.5', '3,5', 'great', '0', '6', 'I give it 5', ''])('"%s" gives no score', (text) => {
    expect(surveyScoreOf(text)).toBeUndefined();
  });
});

describe('whether a reply answers the survey', () => {
  it('gives a customer a day to answer unless the channel says otherwise', () => {
    expect(SURVEY_REPLY_WINDOW_MINUTES).toBe(1440);
  });

  it('the first reply within the window after a closed conversation does, up to its last minute', () => {
    expect(awaitsSurveyAnswer(surveyed(), minutesAfterSent(1), 60)).toBe(true);
    expect(awaitsSurveyAnswer(surveyed(), minutesAfterSent(60), 60)).toBe(true);
    expect(awaitsSurveyAnswer(surveyed(), new Date(minutesAfterSent(60).getTime() + 1), 60)).toBe(false);
  });

  it('a reply while the agent is still wrapping up does too', () => {
    expect(awaitsSurveyAnswer(surveyed({ state: 'wrap-up' }), minutesAfterSent(1), 60)).toBe(true);
  });

  it('a reply to a conversation that is open again, active or waiting does not', () => {
    for (const state of ['open', 'active', 'waiting'] as const) {
      expect(awaitsSurveyAnswer(surveyed({ state }), minutesAfterSent(1), 60)).toBe(false);
    }
  });

  it('a second reply does not: the survey is answered', () => {
    const answered = surveyed({ survey: { sentAt: SENT, answeredAt: SENT, score: 5 } });
    expect(awaitsSurveyAnswer(answered, minutesAfterSent(1), 60)).toBe(false);
  });

  it('nothing does when no survey went out, or the channel takes no answers', () => {
    expect(awaitsSurveyAnswer(aConversation({ state: 'closed' }), minutesAfterSent(1), 60)).toBe(false);
    expect(awaitsSurveyAnswer(surveyed(), minutesAfterSent(0), 0)).toBe(false);
  });
});

describe('recording the answer', () => {
  it('keeps when it came, its score and which message it was', () => {
    const answered = withSurveyAnswer(
      surveyed(),
      { id: 'local:m7', text: '4 thanks' },
      '2026-11-23T10:05:00.000Z',
    );
    expect(answered.survey).toEqual({
      sentAt: SENT,
      answeredAt: '2026-11-23T10:05:00.000Z',
      score: 4,
      messageId: 'local:m7',
    });
  });

  it('keeps no score for a reply that starts with none', () => {
    const answered = withSurveyAnswer(
      surveyed(),
      { id: 'local:m7', text: 'great' },
      '2026-11-23T10:05:00.000Z',
    );
    expect(answered.survey).toEqual({
      sentAt: SENT,
      answeredAt: '2026-11-23T10:05:00.000Z',
      messageId: 'local:m7',
    });
    expect(answered.survey).not.toHaveProperty('score');
  });

  it('leaves a conversation without a survey as it is', () => {
    const conversation = aConversation({ state: 'closed' });
    expect(withSurveyAnswer(conversation, { id: 'local:m7', text: '5' }, SENT)).toBe(conversation);
  });
});
