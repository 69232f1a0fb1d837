import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema, automatedText } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, endConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { transferToQueue } from '../../shared/use-cases/work-distribution.js';
import { CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';

/** A support channel with every automated message on, French texts beside the English ones. */
function harness() {
  const h = coreHarness();
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  const automatedMessages = automatedMessagesSchema.parse({
    greeting: {
      enabled: true,
      text: {
        en: 'Hi {customerName}, case {caseNumber}.',
        fr: 'Bonjour {customerName}, dossier {caseNumber}.',
      },
    },
    agentAssigned: { enabled: true },
    transfer: { enabled: true },
    ended: { enabled: true, text: 'Goodbye from {agentName}. Case {caseNumber}.' },
    survey: { enabled: true, text: 'How did we do? https://survey.contoso.com/{caseNumber}' },
  });
  h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
  return h;
}

const automated = (h: ReturnType<typeof harness>) =>
  h.queue
    .on('sms-outbound')
    .map((m) => m.body as Message)
    .filter((m) => m.purpose === 'automated')
    .map((m) => m.text);

describe('automated messages', () => {
  it('greets a new conversation once, by name and in the contact language, with its case number', async () => {
    const h = harness();
    await h.store.putContact(
      { number: CUSTOMER, name: 'Amélie', language: 'fr', attributes: {}, createdAt: 'x', updatedAt: 'x' },
      null,
    );
    const first = await receiveInbound(h.deps, h.sms({ text: 'Bonjour' }));
    await receiveInbound(h.deps, h.sms({ text: 'Vous êtes là ?' }));
    if (first.status !== 'stored') throw new Error('not stored');
    const conversation = (await h.store.getConversation(first.conversationId))?.value;
    expect(conversation).toMatchObject({
      customerName: 'Amélie',
      language: 'fr',
      caseNumber: expect.stringMatching(/^C[0-9A-F]{8}$/),
    });
    expect(automated(h)).toEqual([`Bonjour Amélie, dossier ${conversation?.caseNumber}.`]);
  });

  it('greets an unknown customer in the channel language, leaving out the name it does not have', async () => {
    const h = harness();
    await receiveInbound(h.deps, h.sms({ text: 'Hello' }));
    expect(automated(h)[0]).toMatch(/^Hi, case C[0-9A-F]{8}\.$/);
  });

  it('introduces the agent, says where a transfer goes, and says goodbye once with the survey link', async () => {
    const h = harness();
    await h.addAgent({ id: 'alice', name: 'Alice' });
    const opened = await receiveInbound(h.deps, h.sms());
    if (opened.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    await transferToQueue(h.deps, {
      conversationId: opened.conversationId,
      agentId: 'alice',
      queueId: 'billing',
    });
    await h.store.createAgent({
      id: 'bob',
      name: 'Bob',
      capacity: 1,
      queueIds: ['billing'],
      presence: 'available',
      assignments: [],
    });
    await assignQueue(h.deps, 'billing');
    await endConversation(h.deps, { conversationId: opened.conversationId, agentId: 'bob' });
    await closeByAgent(h.deps, { conversationId: opened.conversationId, agentId: 'bob' });
    const caseNumber = (await h.store.getConversation(opened.conversationId))?.value.caseNumber;
    expect(automated(h).slice(1)).toEqual([
      'You are now talking to Alice.',
      'We are passing your conversation to Billing. Thank you for your patience.',
      'You are now talking to Bob.',
      `Goodbye from Bob. Case ${caseNumber}.`,
      `How did we do? https://survey.contoso.com/${caseNumber}`,
    ]);
  });

  it('says no goodbye to a customer who sent STOP, and nothing more to them at all', async () => {
    const h = harness();
    await h.addAgent({ id: 'alice', name: 'Alice' });
    await receiveInbound(h.deps, h.sms());
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    const before = automated(h).length;
    await receiveInbound(h.deps, h.sms({ text: 'one more thing' }));
    await assignQueue(h.deps, 'general');
    expect(automated(h)).toHaveLength(before);
  });

  it('never answers a text that comes from one of our own numbers', async () => {
    const h = harness();
    const echo = await receiveInbound(h.deps, h.sms({ from: SUPPORT_NUMBER, to: '+14255550100' as never }));
    expect(echo).toMatchObject({ status: 'dropped', reason: 'sent from one of our own numbers' });
    expect(h.queue.sent).toEqual([]);
  });
});

describe('a missing value in an automated message', () => {
  const channel = (automatedMessages: unknown) => ({
    name: 'Support',
    language: 'en',
    automatedMessages: automatedMessagesSchema.parse(automatedMessages),
  });

  it('reads as the message fallback for it, in the text language', () => {
    const support = channel({
      greeting: {
        enabled: true,
        text: {
          en: 'Hi {customerName}, case {caseNumber}.',
          fr: 'Bonjour {customerName}, dossier {caseNumber}.',
        },
        fallbacks: { customerName: { en: 'there', fr: 'à vous' } },
      },
    });
    expect(automatedText(support, 'greeting', 'en', { caseNumber: 'C1' })).toBe('Hi there, case C1.');
    expect(automatedText(support, 'greeting', 'fr', { caseNumber: 'C1' })).toBe(
      'Bonjour à vous, dossier C1.',
    );
    expect(automatedText(support, 'greeting', 'en', { caseNumber: 'C1', customerName: 'Amélie' })).toBe(
      'Hi Amélie, case C1.',
    );
  });

  it('never leaves an agent name empty: "one of our agents" when no fallback is given', () => {
    const support = channel({
      survey: {
        enabled: true,
        text: {
          en: 'How did {agentName} do? https://survey.example/{caseNumber}',
          fr: 'Comment s’est passé votre échange avec {agentName} ? https://survey.example/{caseNumber}',
        },
      },
      agentAssigned: { enabled: true },
    });
    expect(automatedText(support, 'survey', 'en', { caseNumber: 'C1', agentName: undefined })).toBe(
      'How did one of our agents do? https://survey.example/C1',
    );
    expect(automatedText(support, 'survey', 'fr', { caseNumber: 'C1' })).toBe(
      'Comment s’est passé votre échange avec un de nos conseillers ? https://survey.example/C1',
    );
    expect(automatedText(support, 'agentAssigned', 'en', { caseNumber: 'C1', agentName: '' })).toBe(
      'You are now talking to one of our agents.',
    );
  });

  it('refuses a fallback for a variable the message does not have', () => {
    const result = automatedMessagesSchema.safeParse({
      greeting: { enabled: true, fallbacks: { agentName: 'an agent' } },
    });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['greeting', 'fallbacks'],
      message: 'has {agentName}; the greeting message may use {customerName}, {channelName}, {caseNumber}',
    });
  });
});

describe('automated message settings', () => {
  it('have sensible defaults: only the closed-hours answers are on', () => {
    const defaults = automatedMessagesSchema.parse(undefined);
    expect(
      Object.entries(defaults)
        .filter(([, m]) => m.enabled)
        .map(([kind]) => kind),
    ).toEqual(['outOfHours', 'holiday']);
  });

  it('refuse a text using a variable its message does not have, naming the ones it may use', () => {
    const result = automatedMessagesSchema.safeParse({ greeting: { enabled: true, text: 'Hi {agentName}' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['greeting', 'text'],
      message: 'uses {agentName}; the greeting message may use {customerName}, {channelName}, {caseNumber}',
    });
  });

  it('refuse a survey turned on without a text carrying its link', () => {
    const result = automatedMessagesSchema.safeParse({ survey: { enabled: true } });
    expect(result.error?.issues[0]?.message).toBe('the survey message needs a text with its link');
  });
});
