import { describe, expect, it } from 'vitest';
import {
  type AutomatedMessages,
  automatedKinds,
  automatedMessageSchema,
  automatedMessagesSchema,
  automatedText,
  defaultAutomatedTexts,
} from '../../shared/domain/automated-messages.js';

const settings = (input: Record<string, unknown> = {}): AutomatedMessages =>
  automatedMessagesSchema.parse(input);
const channel = (automatedMessages: AutomatedMessages, language = 'en') => ({
  name: 'Contoso',
  language,
  automatedMessages,
});
const issuesOf = (kind: (typeof automatedKinds)[number], input: unknown) =>
  automatedMessageSchema(kind)
    .safeParse(input)
    .error?.issues.map(({ code, path, message }) => ({ code, path, message })) ?? [];

describe('automated messages’ settings', () => {
  it('answer out of hours and on holidays unless turned off; the others are off until turned on', () => {
    const defaults = settings();
    expect(automatedKinds.filter((kind) => defaults[kind].enabled)).toEqual(['outOfHours', 'holiday']);
    expect(settings({ greeting: {} }).greeting.enabled).toBe(false);
    expect(settings({ holiday: {} }).holiday.enabled).toBe(true);
  });

  it('take a message left out of the settings as on or off by its kind', () => {
    expect(automatedMessageSchema('outOfHours').parse(undefined)).toEqual({ enabled: true });
    expect(automatedMessageSchema('greeting').parse(undefined)).toEqual({ enabled: false });
  });

  it('take a reply window on the survey only', () => {
    expect(issuesOf('survey', { replyWindowMinutes: 60 })).toEqual([]);
    expect(issuesOf('ended', { replyWindowMinutes: 60 })).toEqual([
      { code: 'custom', path: ['replyWindowMinutes'], message: 'only the survey message takes replies' },
    ]);
  });

  it('take fallbacks only for the message’s own variables', () => {
    expect(issuesOf('greeting', { fallbacks: { customerName: 'there' } })).toEqual([]);
    expect(issuesOf('greeting', { fallbacks: { agentName: 'us', position: 'next' } })).toEqual([
      {
        code: 'custom',
        path: ['fallbacks'],
        message:
          'has {agentName}, {position}; the greeting message may use {customerName}, {channelName}, {caseNumber}',
      },
    ]);
  });

  it('take texts using only the message’s own variables, in every language, naming each stray once', () => {
    expect(issuesOf('queued', { text: 'You are number {position}, {customerName}.' })).toEqual([]);
    expect(
      issuesOf('agentAssigned', {
        text: { en: 'Hi, {agentName} at {queueName}', fr: 'Bonjour ({queueName}, {holiday})' },
      }),
    ).toEqual([
      {
        code: 'custom',
        path: ['text'],
        message:
          'uses {queueName}, {holiday}; the agentAssigned message may use {agentName}, {customerName}, {channelName}, {caseNumber}',
      },
    ]);
    expect(issuesOf('greeting', { text: 'Hello {position}' })).toHaveLength(1);
  });
});

describe('an automated message’s text', () => {
  it('is nothing when the message is off', () => {
    expect(automatedText(channel(settings()), 'greeting', 'en', { caseNumber: 'C1' })).toBeUndefined();
  });

  it('is the default text filled with the channel’s name and the values given', () => {
    expect(
      automatedText(channel(settings({ greeting: { enabled: true } })), 'greeting', 'en', {
        caseNumber: 'C1',
      }),
    ).toBe('Thanks for contacting Contoso. Your case number is C1; an agent will be with you soon.');
  });

  it('is in the customer’s language, else the channel’s, else English', () => {
    const on = settings({ ended: { enabled: true } });
    expect(automatedText(channel(on), 'ended', 'fr-CA', { caseNumber: 'C1' })).toBe(
      'Cette conversation est terminée. Votre numéro de dossier est C1. Écrivez-nous quand vous voulez.',
    );
    expect(automatedText(channel(on, 'de'), 'ended', 'ja', { caseNumber: 'C1' })).toBe(
      'Dieses Gespräch ist beendet. Ihre Vorgangsnummer ist C1. Schreiben Sie uns jederzeit.',
    );
    expect(automatedText(channel(on, 'ko'), 'ended', undefined, { caseNumber: 'C1' })).toBe(
      defaultAutomatedTexts.ended.en?.replace('{caseNumber}', 'C1'),
    );
  });

  it('asks a value that depends on the language for the language of the text chosen', () => {
    const asked: string[] = [];
    const text = automatedText(channel(settings(), 'en'), 'outOfHours', 'es', {
      nextOpening: (language) => {
        asked.push(language);
        return 'el lunes';
      },
    });
    expect(asked).toEqual(['es']);
    expect(text).toContain('Volvemos a abrir el lunes');
  });

  it('says "one of our agents" in the text’s language when the agent has no name', () => {
    const on = settings({ agentAssigned: { enabled: true } });
    expect(automatedText(channel(on), 'agentAssigned', 'en', {})).toBe(
      'You are now talking to one of our agents.',
    );
    expect(automatedText(channel(on), 'agentAssigned', 'it', { agentName: ' ' })).toBe(
      'Ora sta parlando con uno dei nostri operatori.',
    );
    expect(automatedText(channel(on), 'agentAssigned', 'en', { agentName: 'Alice' })).toBe(
      'You are now talking to Alice.',
    );
  });

  it('uses the channel’s own fallback before the built-in one, in the text’s language', () => {
    const on = settings({
      agentAssigned: { enabled: true, fallbacks: { agentName: { en: 'our team', fr: 'notre équipe' } } },
      greeting: {
        enabled: true,
        text: 'Hi {customerName}! Case {caseNumber}.',
        fallbacks: { customerName: 'friend' },
      },
    });
    expect(automatedText(channel(on), 'agentAssigned', 'fr', {})).toBe(
      'Vous échangez maintenant avec notre équipe.',
    );
    expect(automatedText(channel(on), 'greeting', 'en', { caseNumber: 'C1' })).toBe('Hi friend! Case C1.');
    expect(automatedText(channel(on), 'greeting', 'en', { caseNumber: 'C1', customerName: 'Ann' })).toBe(
      'Hi Ann! Case C1.',
    );
  });

  it('leaves out a customer name it does not have, tidying the text', () => {
    const on = settings({
      greeting: { enabled: true, text: 'Hi {customerName}, your case is {caseNumber}.' },
    });
    expect(automatedText(channel(on), 'greeting', 'en', { caseNumber: 'C1', customerName: '' })).toBe(
      'Hi, your case is C1.',
    );
  });

  it('refuses to go out without a value it needs, naming the message', () => {
    expect(() => automatedText(channel(settings()), 'holiday', 'en', { holiday: 'Christmas' })).toThrow(
      'automatedMessages.holiday needs values for nextOpening',
    );
  });
});
