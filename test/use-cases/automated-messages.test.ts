import { describe, expect, it } from 'vitest';
import {
  automatedKinds,
  automatedMessagesSchema,
  automatedText,
  defaultAutomatedTexts,
} from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import { hoursSchema, nextOpeningText } from '../../shared/domain/hours.js';
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

describe('default texts', () => {
  const languages = ['en', 'fr', 'es', 'de', 'pt', 'it', 'nl'];
  const everyOn = (language: string) => ({
    name: 'Support',
    language,
    automatedMessages: automatedMessagesSchema.parse(
      Object.fromEntries(
        automatedKinds.map((kind) => [
          kind,
          { enabled: true, ...(kind === 'survey' ? { text: defaultAutomatedTexts.survey } : {}) },
        ]),
      ),
    ),
  });
  const values = {
    caseNumber: 'C1',
    position: 2,
    agentName: 'Alice',
    queueName: 'Billing',
    holiday: 'Noël',
    nextOpening: 'x',
  };

  it.each(languages)('exist for every message in %s, using only its variables', (language) => {
    for (const kind of automatedKinds) {
      const text = defaultAutomatedTexts[kind][language];
      expect(text, `${kind} in ${language}`).toBeTruthy();
      expect(automatedMessagesSchema.safeParse({ [kind]: { enabled: true, text } }).success).toBe(true);
      expect(automatedText(everyOn(language), kind, language, values)).not.toMatch(/[{}]/);
    }
  });

  it('speak the customer language, then the channel language, then English', () => {
    expect(automatedText(everyOn('en'), 'ended', 'fr', values)).toBe(
      'Cette conversation est terminée. Votre numéro de dossier est C1. Écrivez-nous quand vous voulez.',
    );
    expect(automatedText(everyOn('en'), 'agentAssigned', 'pt-BR', values)).toBe(
      'Está agora a falar com Alice.',
    );
    expect(automatedText(everyOn('es'), 'agentAssigned', 'ja', values)).toBe(
      'Ahora está hablando con Alice.',
    );
    expect(automatedText(everyOn('ja'), 'agentAssigned', undefined, values)).toBe(
      'You are now talking to Alice.',
    );
    expect(automatedText(everyOn('en'), 'agentAssigned', 'de', { agentName: undefined })).toBe(
      'Sie schreiben jetzt mit einem unserer Mitarbeiter.',
    );
  });

  it('say when the channel opens in the customer language', async () => {
    const h = coreHarness();
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    const hours = hoursSchema.parse({
      timeZone: 'Europe/Paris',
      weekly: { mon: [{ from: '09:00', to: '18:00' }] },
    });
    h.deps.directory = new Directory([{ ...support, hours }, ...rest], testSeed.queues);
    h.clock.set(new Date('2026-11-28T10:00:00Z')); // Saturday
    await h.store.putContact(
      { number: CUSTOMER, name: 'Amélie', language: 'fr', attributes: {}, createdAt: 'x', updatedAt: 'x' },
      null,
    );
    await receiveInbound(h.deps, h.sms({ text: 'Bonjour' }));
    expect(automated(h)).toEqual([
      'Support est fermé pour le moment. Nous rouvrons lundi 30 novembre à 09:00 ; votre message est bien enregistré et nous y répondrons à ce moment-là.',
    ]);
  });

  it.each([
    ['en', 'Monday 30 November at 09:00'],
    ['fr', 'lundi 30 novembre à 09:00'],
    ['es', 'el lunes 30 de noviembre a las 09:00'],
    ['de', 'am Montag, 30. November, um 09:00 Uhr'],
    ['pt', 'na segunda-feira, 30 de novembro, às 09:00'],
    ['it', 'lunedì 30 novembre alle 09:00'],
    ['nl', 'op maandag 30 november om 09:00'],
    ['ja', 'Monday 30 November at 09:00'],
  ])('put the next opening in words of %s', (language, words) => {
    const hours = hoursSchema.parse({
      timeZone: 'Europe/Paris',
      weekly: { mon: [{ from: '09:00', to: '18:00' }] },
    });
    expect(nextOpeningText(hours, new Date('2026-11-28T10:00:00Z'), language)).toBe(words);
  });

  it('put a weekend opening and an unknown one in words too', () => {
    const saturday = hoursSchema.parse({
      timeZone: 'Europe/Lisbon',
      weekly: { sat: [{ from: '10:00', to: '12:00' }] },
    });
    expect(nextOpeningText(saturday, new Date('2026-11-23T10:00:00Z'), 'pt')).toBe(
      'no sábado, 28 de novembro, às 10:00',
    );
    expect(nextOpeningText(undefined, new Date(), 'fr')).toBe('bientôt');
    expect(nextOpeningText(undefined, new Date(), 'nl')).toBe('binnenkort');
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

  it('take a survey turned on without a text: the default asks for a reply from 1 to 5', () => {
    const survey = {
      name: 'Support',
      language: 'en',
      automatedMessages: automatedMessagesSchema.parse({ survey: { enabled: true } }),
    };
    expect(automatedText(survey, 'survey', 'nl', {})).toBe(
      'Hoe hebben we het gedaan? Antwoord met een cijfer van 1 (slecht) tot 5 (uitstekend), eventueel met een toelichting.',
    );
  });

  it('refuse a reply window on a message other than the survey', () => {
    const result = automatedMessagesSchema.safeParse({ ended: { enabled: true, replyWindowMinutes: 60 } });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['ended', 'replyWindowMinutes'],
      message: 'only the survey message takes replies',
    });
  });
});
