import type { Conversation } from './conversation.js';

export type { SurveyRecord } from './conversation.js';

/** How long after the survey a customer's reply is its answer, unless the channel says otherwise. */
export const SURVEY_REPLY_WINDOW_MINUTES = 1440;

/** The score a reply starts with: "5 - merci", "4/5", " 3 " are; "10", "4.5", "great" are not. */
export function surveyScoreOf(text: string): number | undefined {
  const match = /^\s*([1-5])(?![0-9]|[.,][0-9])/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Whether a reply now is the answer to the conversation's survey (its first reply, in the window). */
export function awaitsSurveyAnswer(conversation: Conversation, now: Date, windowMinutes: number): boolean {
  const survey = conversation.survey;
  if (!survey || survey.answeredAt || windowMinutes <= 0) return false;
  if (conversation.state !== 'closed' && conversation.state !== 'wrap-up') return false;
  return now.getTime() - Date.parse(survey.sentAt) <= windowMinutes * 60_000;
}

/** The conversation with the reply recorded as its survey's answer. */
export function withSurveyAnswer(
  conversation: Conversation,
  reply: { id: string; text: string },
  at: string,
): Conversation {
  if (!conversation.survey) return conversation;
  const score = surveyScoreOf(reply.text);
  return {
    ...conversation,
    survey: {
      ...conversation.survey,
      answeredAt: at,
      ...(score === undefined ? {} : { score }),
      messageId: reply.id,
    },
  };
}
