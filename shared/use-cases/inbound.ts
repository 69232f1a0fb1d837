import type { Channel } from '../domain/channel.js';
import { keywordOf } from '../domain/consent.js';
import { type Conversation, openConversation } from '../domain/conversation.js';
import { nextOpeningText, opennessAt } from '../domain/hours.js';
import type { InboundSms } from '../domain/inbound-sms.js';
import { maskPhone } from '../domain/mask.js';
import { route } from '../domain/routing.js';
import { awaitsSurveyAnswer } from '../domain/survey.js';
import { AlreadyExistsError, UnsettledError } from '../errors.js';
import { currentTraceContext } from '../telemetry/tracing.js';
import { appendInbound, inboundMessage } from './append-inbound.js';
import { requestAssignment } from './assignment-request.js';
import { sendAutomated } from './automated.js';
import type { CoreDeps } from './deps.js';
import { newCustomerRecord } from './erased-opt-outs.js';
import type { InboundOutcome } from './inbound-outcome.js';
import { handleKeyword } from './keywords.js';
import { retryOnConflict } from './optimistic.js';
import { answerSurvey, recoverSurveySent, surveyReplyWindow } from './survey-answer.js';

/** Where a customer's message went: a new sequence number in a conversation, or nowhere (a repeat). */
type Placed =
  | { kind: 'duplicate'; conversation?: Conversation }
  | { kind: 'slot'; conversation: Conversation }
  | { kind: 'opened'; conversation: Conversation }
  | { kind: 'returned'; conversation: Conversation }
  | { kind: 'survey'; conversation: Conversation };

/**
 * A conversation and its first message, created together under the id the customer's record
 * already points at. Racing first messages settle here: one creates, the other finds it.
 */
async function open(
  deps: CoreDeps,
  channel: Channel,
  sms: InboundSms,
  id: string,
): Promise<Placed | undefined> {
  const now = deps.clock.now();
  // Who they are: a contact record (when an admin or a CRM keeps one) gives their name, language
  // and the attributes routing rules may test. One point read, on a conversation's first message only.
  const contact = (await deps.store.getContact(sms.from))?.value;
  const language = contact?.language ?? channel.language;
  const routed = route(channel, { text: sms.text, to: sms.to, at: now, contact, language });
  const traceContext = currentTraceContext();
  const conversation: Conversation = {
    ...openConversation({
      id,
      channelId: channel.id,
      channelNumber: sms.to,
      customer: sms.from,
      queueId: routed.queueId,
      ...(routed.skills.length > 0 ? { requiredSkills: routed.skills } : {}),
      ...(contact ? { customerName: contact.name } : {}),
      language,
      at: now.toISOString(),
    }),
    lastSeq: 1,
    acceptedAt: sms.receivedAt,
    ...(traceContext ? { traceContext } : {}),
  };
  try {
    await deps.store.createConversationWithMessage(conversation, inboundMessage(conversation, 1, sms));
    return { kind: 'opened', conversation };
  } catch (error) {
    if (error instanceof AlreadyExistsError) return undefined;
    throw error;
  }
}

/**
 * Finds the customer's unclosed conversation on the channel, or opens one, and takes the message's
 * place in it. The usual case, a customer writing on a conversation under way, costs one point
 * read (the customer's record, which points at the conversation) and one conditional write (the
 * next sequence number); the message write follows. Everything else (a waiting conversation, a
 * closed one, none, a crash half-way) takes the slower path, and every step is safe to repeat.
 */
const MAX_PLACE_PASSES = 20;

async function place(deps: CoreDeps, channel: Channel, sms: InboundSms, pass = 1): Promise<Placed> {
  // Each pass starts again after seeing another writer's step; a store that never settles (a
  // conversation that keeps changing under us) ends in a retryable error, not an endless loop.
  if (pass > MAX_PLACE_PASSES)
    throw new UnsettledError(`the message's place did not settle after ${MAX_PLACE_PASSES} passes`);
  const again = () => place(deps, channel, sms, pass + 1);
  return retryOnConflict(async (): Promise<Placed> => {
    const stored = await deps.store.getCustomer(channel.id, sms.from);
    // Consent keywords record their message ids here; a repeat of one is dropped.
    if (stored?.value.processedMessageIds.includes(sms.id)) return { kind: 'duplicate' };
    const pointer = stored?.value.openConversationId;
    if (pointer) {
      const taken = await deps.store.takeNextSeq(pointer, deps.clock.now().toISOString());
      if (taken) return { kind: 'slot', conversation: taken.value };
      const existing = await deps.store.getConversation(pointer);
      if (!existing) {
        // The pointer was written and the process died before the conversation was: finish the job.
        return (await open(deps, channel, sms, pointer)) ?? (await again());
      }
      if (existing.value.state === 'waiting') {
        const conversation = await appendInbound(deps, existing, sms);
        return { kind: 'returned', conversation };
      }
      // A racing first message created it since the sequence number was asked for: join it.
      if (existing.value.state !== 'closed') return again();
      // Closed: a redelivery of the message that was in it is a repeat; anything else opens anew.
      if (await deps.store.getMessage(pointer, sms.id))
        return { kind: 'duplicate', conversation: existing.value };
      // A reply to the survey of the conversation just closed is its answer, not a new request.
      const closed = await recoverSurveySent(deps, channel, existing.value);
      if (
        closed.survey?.messageId === sms.id ||
        awaitsSurveyAnswer(closed, deps.clock.now(), surveyReplyWindow(channel))
      ) {
        const answered = await answerSurvey(deps, channel, pointer, sms);
        if (answered) return { kind: 'survey', conversation: answered };
      }
    }
    const id = deps.ids.next();
    const customer = stored?.value ?? (await newCustomerRecord(deps, channel.id, sms.from));
    await deps.store.putCustomer({ ...customer, openConversationId: id }, stored?.etag ?? null);
    return (await open(deps, channel, sms, id)) ?? (await again());
  });
}

/**
 * A conversation that joined the queue is announced once: the greeting (a new conversation, while
 * the channel is open) or the closed-hours answer (the channel is closed), and a request to the
 * queue's assigner. All are idempotent (fixed ids), so a repeat after a crash sends nothing twice.
 */
async function joinQueue(deps: CoreDeps, channel: Channel, conversation: Conversation, sms: InboundSms) {
  const now = deps.clock.now();
  const openness = channel.hours ? opennessAt(channel.hours, now) : undefined;
  if (openness && !openness.open) {
    const nextOpening = (language: string) => nextOpeningText(channel.hours, now, language);
    await (openness.holiday
      ? sendAutomated(deps, conversation, 'holiday', `${sms.id}:closed`, {
          holiday: openness.holiday,
          nextOpening,
        })
      : sendAutomated(deps, conversation, 'outOfHours', `${sms.id}:closed`, { nextOpening }));
  } else if (conversation.history.length === 1) {
    // New: still in the state it opened in (a redelivery of its first message too, whose sequence
    // number is past 1 by then); a conversation back from an agent is not greeted again.
    await sendAutomated(deps, conversation, 'greeting', `${conversation.id}:greeting`);
  }
  await requestAssignment(deps, conversation.queueId, 'customer message');
}

/**
 * The inbound worker's use case: one customer message, at least once. Every step is idempotent, so
 * a redelivery after a crash at any point resumes without duplicating the conversation or message.
 * A message stored (keywords and survey answers too) counts as received, with the time it took
 * from the webhook's acceptance; a repeat or a dropped message does not.
 */
export async function receiveInbound(deps: CoreDeps, sms: InboundSms): Promise<InboundOutcome> {
  const outcome = await receive(deps, sms);
  const channel = outcome.status === 'stored' ? deps.directory.channelForNumber(sms.to) : undefined;
  if (channel) {
    deps.metrics.add('sms.messages.received', { channel: channel.id, provider: sms.provider });
    const accepted = Date.parse(sms.receivedAt);
    deps.metrics.record('sms.accept_to_stored', deps.clock.now().getTime() - accepted, {});
  }
  return outcome;
}

async function receive(deps: CoreDeps, sms: InboundSms): Promise<InboundOutcome> {
  const log = { messageId: sms.id, customer: maskPhone(sms.from) };
  const channel = deps.directory.channelForNumber(sms.to);
  if (!channel) {
    const reason = 'no channel has this number';
    deps.logger.warn('inbound.dropped', { ...log, reason });
    return { status: 'dropped', messageId: sms.id, reason };
  }

  // Automated messages never loop: a text from one of our own numbers is an echo of our sending.
  if (deps.directory.channelForNumber(sms.from)) {
    const reason = 'sent from one of our own numbers';
    deps.logger.warn('inbound.dropped', { ...log, reason });
    return { status: 'dropped', messageId: sms.id, reason };
  }

  // Consent keywords count on every number, outbound-only ones included (alerts that say "Reply
  // STOP" must stop); anything else on an outbound-only number opens nothing.
  const keyword = keywordOf(sms.text, channel.consent);
  if (keyword) return handleKeyword(deps, channel, sms, keyword);
  if (channel.direction === 'outbound-only') {
    const reason = 'channel is outbound-only';
    deps.logger.warn('inbound.dropped', { ...log, reason });
    return { status: 'dropped', messageId: sms.id, reason };
  }

  const placed = await place(deps, channel, sms);
  if (placed.kind === 'duplicate') {
    deps.logger.info('inbound.duplicate', log);
    return { status: 'duplicate', messageId: sms.id };
  }
  const { conversation } = placed;
  if (placed.kind === 'survey') {
    deps.logger.info('inbound.survey-answer', { ...log, conversationId: conversation.id });
    return {
      status: 'stored',
      conversationId: conversation.id,
      messageId: sms.id,
      state: conversation.state,
    };
  }
  if (placed.kind === 'slot') {
    try {
      await deps.store.createMessage(inboundMessage(placed.conversation, placed.conversation.lastSeq, sms));
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      // A redelivery: the sequence number just taken stays unused (gaps are allowed, order holds).
      // If this was the conversation's first message, the first attempt may have died before
      // announcing it, so announce it again.
      const first = (await deps.store.getMessage(conversation.id, sms.id))?.value.seq === 1;
      if (first && conversation.state === 'open') await joinQueue(deps, channel, conversation, sms);
      deps.logger.info('inbound.duplicate', log);
      return { status: 'duplicate', messageId: sms.id };
    }
    // In wrap-up the survey may be out already: the reply is its answer.
    const inWrapUp =
      conversation.state === 'wrap-up' ? await recoverSurveySent(deps, channel, conversation) : conversation;
    if (awaitsSurveyAnswer(inWrapUp, deps.clock.now(), surveyReplyWindow(channel))) {
      await answerSurvey(deps, channel, conversation.id, sms, { seqTaken: conversation.lastSeq });
    }
  }
  const joined = placed.kind === 'opened' || (placed.kind === 'returned' && conversation.state === 'open');
  if (joined) await joinQueue(deps, channel, conversation, sms);
  deps.logger.info('inbound.stored', { ...log, conversationId: conversation.id, state: conversation.state });
  return { status: 'stored', conversationId: conversation.id, messageId: sms.id, state: conversation.state };
}
