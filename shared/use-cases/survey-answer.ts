import type { Channel } from '../domain/channel.js';
import type { Conversation } from '../domain/conversation.js';
import type { InboundSms } from '../domain/inbound-sms.js';
import { awaitsSurveyAnswer, SURVEY_REPLY_WINDOW_MINUTES, withSurveyAnswer } from '../domain/survey.js';
import { AlreadyExistsError } from '../errors.js';
import { inboundMessage } from './append-inbound.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

export function surveyReplyWindow(channel: Channel): number {
  return channel.automatedMessages.survey.replyWindowMinutes ?? SURVEY_REPLY_WINDOW_MINUTES;
}

/** The id of a conversation's survey message: fixed, so a repeat of the goodbye sends it once. */
export const surveyMessageId = (conversationId: string) => `${conversationId}:survey`;

/** The conversation remembers when its survey went out, so a reply in the window is its answer. */
export async function recordSurveySent(deps: CoreDeps, conversationId: string, sentAt: string) {
  return retryOnConflict(async () => {
    const stored = await deps.store.getConversation(conversationId);
    if (!stored || stored.value.survey) return stored?.value;
    return (await deps.store.replaceConversation({ ...stored.value, survey: { sentAt } }, stored.etag)).value;
  });
}

/**
 * A conversation whose survey went out but was not recorded (the process stopped between the two):
 * the survey message is there, so it is recorded now, from when that message was made. Read only
 * for a served conversation on a channel that sends surveys.
 */
export async function recoverSurveySent(
  deps: CoreDeps,
  channel: Channel,
  conversation: Conversation,
): Promise<Conversation> {
  if (conversation.survey || !channel.automatedMessages.survey.enabled) return conversation;
  if (!conversation.history.some((step) => step.to === 'active')) return conversation;
  const message = await deps.store.getMessage(conversation.id, surveyMessageId(conversation.id));
  if (!message) return conversation;
  return (await recordSurveySent(deps, conversation.id, message.value.createdAt)) ?? conversation;
}

/**
 * Records a customer's reply as the answer to the survey of a conversation that is over (closed
 * or in wrap-up): the answer and the message's place in one write, then the message itself.
 * Undefined when the reply is not the answer (no survey, answered already, outside the window).
 * A redelivery of the answer finishes storing it and changes nothing else.
 */
export async function answerSurvey(
  deps: CoreDeps,
  channel: Channel,
  conversationId: string,
  sms: InboundSms,
  options: { seqTaken?: number } = {},
): Promise<Conversation | undefined> {
  const window = surveyReplyWindow(channel);
  const answered = await retryOnConflict(async () => {
    const stored = await deps.store.getConversation(conversationId);
    if (!stored) return undefined;
    const current = stored.value;
    if (current.survey?.messageId === sms.id) return { conversation: current, seq: options.seqTaken };
    const now = deps.clock.now();
    if (!awaitsSurveyAnswer(current, now, window)) return undefined;
    const seq = options.seqTaken ?? current.lastSeq + 1;
    const next = withSurveyAnswer(
      { ...current, lastSeq: Math.max(current.lastSeq, seq) },
      sms,
      now.toISOString(),
    );
    return { conversation: (await deps.store.replaceConversation(next, stored.etag)).value, seq };
  });
  if (!answered) return undefined;
  const { conversation } = answered;
  if (options.seqTaken === undefined) {
    const seq = answered.seq ?? conversation.lastSeq;
    try {
      await deps.store.createMessage(inboundMessage(conversation, seq, sms));
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
  deps.logger.info('survey.answered', {
    conversationId,
    messageId: sms.id,
    scored: conversation.survey?.score !== undefined,
  });
  return conversation;
}
