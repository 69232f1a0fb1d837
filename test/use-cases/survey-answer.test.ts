import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import type { Conversation } from '../../shared/domain/conversation.js';
import {
  answerSurvey,
  recordSurveySent,
  recoverSurveySent,
  surveyMessageId,
  surveyReplyWindow,
} from '../../shared/use-cases/survey-answer.js';
import { aChannel, aConversation, aMessage, SUPPORT_NUMBER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';

const surveying = aChannel({
  automatedMessages: automatedMessagesSchema.parse({ survey: { enabled: true } }),
});

/** A conversation alice served (open, then active) and closed at 09:00. */
function served(overrides: Partial<Conversation> = {}): Conversation {
  const opened = aConversation({ lastSeq: 3 });
  return {
    ...opened,
    state: 'closed',
    history: [
      ...opened.history,
      {
        from: 'open',
        to: 'active',
        at: '2026-11-23T08:01:00.000Z',
        by: 'system',
        reason: 'assigned to alice',
      },
      { from: 'active', to: 'closed', at: '2026-11-23T09:00:00.000Z', by: 'agent:alice', reason: 'closed' },
    ],
    ...overrides,
  } as Conversation;
}

describe('the survey reply window', () => {
  it("is the channel's, else a day", () => {
    expect(surveyReplyWindow(surveying)).toBe(1440);
    const short = aChannel({
      automatedMessages: automatedMessagesSchema.parse({ survey: { enabled: true, replyWindowMinutes: 30 } }),
    });
    expect(surveyReplyWindow(short)).toBe(30);
  });
});

describe('a survey that went out', () => {
  it('is recorded on the conversation once, with when it was sent', async () => {
    const h = coreHarness();
    await h.store.createConversation(served());
    const recorded = await recordSurveySent(h.deps, 'conv-1', '2026-11-23T09:00:01.000Z');
    expect(recorded?.survey).toEqual({ sentAt: '2026-11-23T09:00:01.000Z' });
    const again = await recordSurveySent(h.deps, 'conv-1', '2026-11-23T09:30:00.000Z');
    expect(again?.survey).toEqual({ sentAt: '2026-11-23T09:00:01.000Z' });
    expect((await h.store.getConversation('conv-1'))?.value.survey).toEqual({
      sentAt: '2026-11-23T09:00:01.000Z',
    });
  });

  it('is recorded on no conversation that is gone', async () => {
    const h = coreHarness();
    expect(await recordSurveySent(h.deps, 'conv-404', '2026-11-23T09:00:01.000Z')).toBeUndefined();
  });

  it('but not recorded is recovered from its message, dated when the message was made', async () => {
    const h = coreHarness();
    await h.store.createConversation(served());
    await h.store.createMessage(
      aMessage({
        id: surveyMessageId('conv-1'),
        direction: 'outbound',
        author: { kind: 'system' },
        from: SUPPORT_NUMBER,
        purpose: 'automated',
        createdAt: '2026-11-23T09:00:02.000Z',
      }),
    );
    const recovered = await recoverSurveySent(h.deps, surveying, served());
    expect(recovered.survey).toEqual({ sentAt: '2026-11-23T09:00:02.000Z' });
    expect((await h.store.getConversation('conv-1'))?.value.survey).toEqual({
      sentAt: '2026-11-23T09:00:02.000Z',
    });
  });

  it("is the message named after its conversation, '<conversation id>:survey', wherever it was written from", async () => {
    const h = coreHarness();
    await h.store.createConversation(served());
    await h.store.createMessage(
      aMessage({ id: 'conv-1:survey', direction: 'outbound', createdAt: '2026-11-23T09:00:03.000Z' }),
    );
    expect((await recoverSurveySent(h.deps, surveying, served())).survey).toEqual({
      sentAt: '2026-11-23T09:00:03.000Z',
    });
  });

  it('is not looked for when there is no survey message, no survey on the channel, or no agent served', async () => {
    const h = coreHarness();
    await h.store.createConversation(served());
    expect(await recoverSurveySent(h.deps, surveying, served())).toEqual(served());
    await h.store.createMessage(
      aMessage({ id: surveyMessageId('conv-1'), createdAt: '2026-11-23T09:00:02.000Z' }),
    );
    expect(await recoverSurveySent(h.deps, aChannel(), served())).toEqual(served());
    const unserved = { ...served(), history: served().history.filter((step) => step.to !== 'active') };
    expect(await recoverSurveySent(h.deps, surveying, unserved)).toEqual(unserved);
    const recorded = served({ survey: { sentAt: '2026-11-23T09:00:00.000Z' } });
    expect(await recoverSurveySent(h.deps, surveying, recorded)).toBe(recorded);
    expect((await h.store.getConversation('conv-1'))?.value.survey).toBeUndefined();
  });
});

describe("a customer's reply to the survey", () => {
  async function surveyed(overrides: Partial<Conversation> = {}) {
    const h = coreHarness();
    await h.store.createConversation(
      served({ survey: { sentAt: '2026-11-23T09:00:00.000Z' }, ...overrides }),
    );
    h.clock.advance(5 * 60_000);
    return h;
  }

  it('is the answer: scored, stored after the last message, logged', async () => {
    const h = await surveyed();
    const sms = h.sms({ text: '5 - thank you!' });
    const answered = await answerSurvey(h.deps, surveying, 'conv-1', sms);
    expect(answered?.survey).toEqual({
      sentAt: '2026-11-23T09:00:00.000Z',
      answeredAt: '2026-11-23T09:05:00.000Z',
      score: 5,
      messageId: sms.id,
    });
    expect(answered?.lastSeq).toBe(4);
    expect((await h.store.getConversation('conv-1'))?.value).toEqual(answered);
    expect((await h.store.getMessage('conv-1', sms.id))?.value).toMatchObject({
      seq: 4,
      text: '5 - thank you!',
    });
    const logged = h.logs.map((line) => JSON.parse(line)).find((line) => line.event === 'survey.answered');
    expect(logged).toMatchObject({ conversationId: 'conv-1', messageId: sms.id, scored: true });
  });

  it('without a score is still the answer, logged as unscored', async () => {
    const h = await surveyed();
    const answered = await answerSurvey(h.deps, surveying, 'conv-1', h.sms({ text: 'great service' }));
    expect(answered?.survey?.score).toBeUndefined();
    const logged = h.logs.map((line) => JSON.parse(line)).find((line) => line.event === 'survey.answered');
    expect(logged).toMatchObject({ scored: false });
  });

  it('takes the place the inbound flow already took for it, storing no message itself', async () => {
    const h = await surveyed();
    const sms = h.sms({ text: '4' });
    const answered = await answerSurvey(h.deps, surveying, 'conv-1', sms, { seqTaken: 7 });
    expect(answered?.lastSeq).toBe(7);
    expect(await h.store.getMessage('conv-1', sms.id)).toBeUndefined();
  });

  it('keeps the later place when the one taken is behind', async () => {
    const h = await surveyed({ lastSeq: 9 });
    const answered = await answerSurvey(h.deps, surveying, 'conv-1', h.sms({ text: '4' }), { seqTaken: 7 });
    expect(answered?.lastSeq).toBe(9);
  });

  it('redelivered finishes storing the message at the place it was given, changing nothing else', async () => {
    const h = await surveyed();
    const sms = h.sms({ text: '3' });
    const first = await answerSurvey(h.deps, surveying, 'conv-1', sms, { seqTaken: 4 });
    h.clock.advance(60_000);
    const again = await answerSurvey(h.deps, surveying, 'conv-1', sms);
    expect(again).toEqual(first);
    expect((await h.store.getMessage('conv-1', sms.id))?.value.seq).toBe(4);
    // And a third time, the message there already: nothing fails.
    expect(await answerSurvey(h.deps, surveying, 'conv-1', sms)).toEqual(first);
  });

  it('is no answer on a conversation that sent no survey', async () => {
    const h = await surveyed({ survey: undefined });
    const sms = h.sms({ text: '5' });
    expect(await answerSurvey(h.deps, surveying, 'conv-1', sms)).toBeUndefined();
    expect(await h.store.getMessage('conv-1', sms.id)).toBeUndefined();
  });

  it('is no answer outside the window, after an answer, or for a conversation that is gone', async () => {
    const h = await surveyed();
    h.clock.advance(1440 * 60_000);
    expect(await answerSurvey(h.deps, surveying, 'conv-1', h.sms({ text: '5' }))).toBeUndefined();
    expect(await answerSurvey(h.deps, surveying, 'conv-404', h.sms({ text: '5' }))).toBeUndefined();
    const later = await surveyed();
    await answerSurvey(later.deps, surveying, 'conv-1', later.sms({ text: '5' }));
    const second = later.sms({ text: '1' });
    expect(await answerSurvey(later.deps, surveying, 'conv-1', second)).toBeUndefined();
    expect(await later.store.getMessage('conv-1', second.id)).toBeUndefined();
    expect(later.logs.filter((line) => line.includes('survey.answered'))).toHaveLength(1);
  });
});
