import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { surveyScoreOf } from '../../shared/domain/survey.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, endConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { CUSTOMER } from '../support/builders.js';
import { coreHarness, storeKinds, testSeed } from '../support/core.js';

const minutes = (n: number) => n * 60_000;

/** The support channel with the default survey on (a reply with a score), and an agent. */
async function harness(makeStore: (typeof storeKinds)[number][1], survey: Record<string, unknown> = {}) {
  const h = coreHarness(makeStore());
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  const automatedMessages = automatedMessagesSchema.parse({
    greeting: { enabled: true },
    survey: { enabled: true, ...survey },
  });
  h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
  await h.addAgent({ id: 'alice' });
  return h;
}

type Harness = Awaited<ReturnType<typeof harness>>;

/** A conversation served by alice and closed by her: the survey went out. */
async function servedAndClosed(h: Harness) {
  const outcome = await receiveInbound(h.deps, h.sms({ text: 'My parcel is late' }));
  if (outcome.status !== 'stored') throw new Error('not stored');
  await assignQueue(h.deps, 'general');
  await closeByAgent(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' });
  return outcome.conversationId;
}

const automated = (h: Harness) =>
  h.queue
    .on('sms-outbound')
    .map((m) => m.body as Message)
    .filter((m) => m.purpose === 'automated')
    .map((m) => m.text);

describe.each(storeKinds)('a reply to the survey (%s)', (_kind, makeStore) => {
  it('is recorded on the closed conversation, its score and the reply by id (the text stays in the transcript), and opens nothing', async () => {
    const h = await harness(makeStore);
    const id = await servedAndClosed(h);
    expect(automated(h).at(-1)).toBe(
      'How did we do? Reply with a score from 1 (poor) to 5 (excellent), and a comment if you like.',
    );
    const sentAt = h.clock.now().toISOString();
    h.clock.advance(minutes(10));
    const greetingsBefore = automated(h).length;

    const reply = await receiveInbound(h.deps, h.sms({ text: '5 - merci', providerMessageId: 'answer' }));

    expect(reply).toEqual({
      status: 'stored',
      conversationId: id,
      messageId: 'local:answer',
      state: 'closed',
    });
    const conversation = (await h.store.getConversation(id))?.value;
    expect(conversation?.survey).toEqual({
      sentAt,
      answeredAt: h.clock.now().toISOString(),
      score: 5,
      messageId: 'local:answer',
    });
    expect((await h.store.listMessages(id)).at(-1)).toMatchObject({ id: 'local:answer', text: '5 - merci' });
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.openConversationId).toBe(id);
    expect(await h.store.findConversations({ channelId: 'support' })).toEqual([]);
    expect(automated(h)).toHaveLength(greetingsBefore);
  });

  it('takes a reply without a score as the answer, once, even when delivered twice', async () => {
    const h = await harness(makeStore);
    const id = await servedAndClosed(h);
    const sms = h.sms({ text: 'Very helpful, thanks' });
    await receiveInbound(h.deps, sms);
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
    const conversation = (await h.store.getConversation(id))?.value;
    const answers = (await h.store.listMessages(id)).filter((m) => m.text === 'Very helpful, thanks');
    expect(answers).toHaveLength(1);
    expect(conversation?.survey).toMatchObject({ answeredAt: expect.any(String), messageId: answers[0]?.id });
    expect(conversation?.survey).not.toHaveProperty('text');
    expect(conversation?.survey?.score).toBeUndefined();
  });

  it('is taken once: the next message opens a new conversation as usual', async () => {
    const h = await harness(makeStore);
    const id = await servedAndClosed(h);
    await receiveInbound(h.deps, h.sms({ text: '4' }));
    const next = await receiveInbound(h.deps, h.sms({ text: 'Also, my invoice is wrong' }));
    expect(next).toMatchObject({ status: 'stored', state: 'open' });
    expect(next.status === 'stored' && next.conversationId).not.toBe(id);
    expect((await h.store.getConversation(id))?.value.survey?.score).toBe(4);
  });

  it('is a new conversation once the window has passed', async () => {
    const h = await harness(makeStore, { replyWindowMinutes: 60 });
    const id = await servedAndClosed(h);
    h.clock.advance(minutes(61));
    const late = await receiveInbound(h.deps, h.sms({ text: '5' }));
    expect(late).toMatchObject({ status: 'stored', state: 'open' });
    expect((await h.store.getConversation(id))?.value.survey?.answeredAt).toBeUndefined();
  });

  it('is a new conversation when the channel takes no survey replies (window 0)', async () => {
    const h = await harness(makeStore, { replyWindowMinutes: 0 });
    await servedAndClosed(h);
    expect(await receiveInbound(h.deps, h.sms({ text: '5' }))).toMatchObject({
      status: 'stored',
      state: 'open',
    });
  });

  it('is recorded while the agent is still in wrap-up, in the same conversation', async () => {
    const h = await harness(makeStore);
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'My parcel is late' }));
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    await endConversation(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' });
    const reply = await receiveInbound(h.deps, h.sms({ text: '3 ok' }));
    expect(reply).toMatchObject({ conversationId: outcome.conversationId, state: 'wrap-up' });
    expect((await h.store.getConversation(outcome.conversationId))?.value.survey).toMatchObject({
      score: 3,
      messageId: reply.status === 'stored' ? reply.messageId : undefined,
    });
  });
});

/**
 * The process stops after the survey is queued and before the conversation records it: the write
 * that records it fails once, as the request or the timer carrying it would have died there.
 */
function stopBeforeRecordingTheSurvey(h: Harness) {
  const replace = h.store.replaceConversation.bind(h.store);
  let stopped = false;
  h.store.replaceConversation = async (conversation, etag) => {
    if (!stopped && conversation.survey && !conversation.survey.answeredAt) {
      stopped = true;
      throw new Error('the process stopped');
    }
    return replace(conversation, etag);
  };
}

describe.each(storeKinds)(
  'a survey sent by a goodbye that stopped before recording it (%s)',
  (_kind, makeStore) => {
    async function endedWithTheStop(h: Harness) {
      const outcome = await receiveInbound(h.deps, h.sms({ text: 'My parcel is late' }));
      if (outcome.status !== 'stored') throw new Error('not stored');
      await assignQueue(h.deps, 'general');
      stopBeforeRecordingTheSurvey(h);
      await expect(
        endConversation(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' }),
      ).rejects.toThrow(/stopped/);
      expect(automated(h).at(-1)).toMatch(/How did we do/);
      return outcome.conversationId;
    }

    it('still takes the reply in wrap-up as its answer', async () => {
      const h = await harness(makeStore);
      const id = await endedWithTheStop(h);
      h.clock.advance(minutes(5));
      await receiveInbound(h.deps, h.sms({ text: '4 fine' }));
      expect((await h.store.getConversation(id))?.value.survey).toMatchObject({
        score: 4,
        answeredAt: expect.any(String),
      });
    });

    it('is recorded when the agent closes the conversation, and the reply after the close is its answer', async () => {
      const h = await harness(makeStore);
      const id = await endedWithTheStop(h);
      await closeByAgent(h.deps, { conversationId: id, agentId: 'alice' });
      expect((await h.store.getConversation(id))?.value.survey?.sentAt).toBeDefined();
      h.clock.advance(minutes(5));
      const reply = await receiveInbound(h.deps, h.sms({ text: '2 slow' }));
      expect(reply).toMatchObject({ conversationId: id, state: 'closed' });
      expect((await h.store.getConversation(id))?.value.survey).toMatchObject({ score: 2 });
    });

    it('is found from its message when the customer answers a closed conversation that never recorded it', async () => {
      const h = await harness(makeStore);
      const outcome = await receiveInbound(h.deps, h.sms({ text: 'My parcel is late' }));
      if (outcome.status !== 'stored') throw new Error('not stored');
      await assignQueue(h.deps, 'general');
      stopBeforeRecordingTheSurvey(h);
      await expect(
        closeByAgent(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' }),
      ).rejects.toThrow(/stopped/);
      h.clock.advance(minutes(5));
      const reply = await receiveInbound(h.deps, h.sms({ text: '5' }));
      expect(reply).toMatchObject({ conversationId: outcome.conversationId, state: 'closed' });
      expect((await h.store.getConversation(outcome.conversationId))?.value.survey).toMatchObject({
        score: 5,
      });
    });
  },
);

describe('a survey reply score', () => {
  it.each([
    ['5 - merci', 5],
    ['4/5', 4],
    [' 1', 1],
    ['3.', 3],
    ['10', undefined],
    ['4.5', undefined],
    ['0', undefined],
    ['great', undefined],
  ])('of %j is %s', (text, score) => {
    expect(surveyScoreOf(text)).toBe(score);
  });
});
