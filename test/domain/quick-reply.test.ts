import { describe, expect, it } from 'vitest';
import {
  makeQuickReply,
  quickReplyInputSchema,
  quickReplyOwner,
  resolveQuickReply,
} from '../../shared/domain/quick-reply.js';
import { ValidationError } from '../../shared/errors.js';

const AT = '2026-11-23T10:00:00.000Z';

describe('a quick reply as an admin or agent writes it', () => {
  it('takes the variables a conversation gives, in every language, in the default language of English', () => {
    const parsed = quickReplyInputSchema.parse({
      name: 'Greeting',
      texts: { en: 'Hi {customerName}, {agentName} here.', fr: 'Bonjour, ici {agentName} ({queueName}).' },
    });
    expect(parsed.defaultLanguage).toBe('en');
  });

  it('refuses variables a reply has no value for, naming each once and the ones it may use', () => {
    const result = quickReplyInputSchema.safeParse({
      name: 'Opening',
      texts: { en: 'We open {nextOpening}, you are {position}.', fr: 'Nous ouvrons {nextOpening}.' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      {
        code: 'custom',
        path: ['texts'],
        message:
          'uses {nextOpening}, {position}; a quick reply may use {customerName}, {agentName}, {channelName}, {caseNumber}, {queueName}',
      },
    ]);
  });

  it('checks a plain text as well', () => {
    expect(quickReplyInputSchema.safeParse({ name: 'x', texts: 'Closed on {holiday}' }).success).toBe(false);
    expect(quickReplyInputSchema.safeParse({ name: 'x', texts: 'Case {caseNumber}' }).success).toBe(true);
  });
});

describe('where a quick reply is kept', () => {
  it('keeps the organization’s together and each agent’s own together', () => {
    expect(quickReplyOwner({ scope: 'organization' })).toBe('organization');
    expect(quickReplyOwner({ scope: 'organization', agentId: 'alice' })).toBe('organization');
    expect(quickReplyOwner({ scope: 'personal', agentId: 'alice' })).toBe('agent:alice');
  });

  it('refuses a personal one without its agent', () => {
    expect(() => quickReplyOwner({ scope: 'personal' })).toThrow('a personal quick reply names its agent');
    expect(() => quickReplyOwner({ scope: 'personal', agentId: '' })).toThrow(
      'a personal quick reply names its agent',
    );
  });
});

describe('a stored quick reply', () => {
  it('holds a plain text under its default language, with the variables it uses', () => {
    const input = quickReplyInputSchema.parse({
      name: 'Case',
      texts: 'Your case is {caseNumber}, {customerName}. Case {caseNumber} again.',
      defaultLanguage: 'fr',
    });
    expect(makeQuickReply({ id: 'qr1', scope: 'organization' }, input, AT, 'admin:eve')).toStrictEqual({
      id: 'qr1',
      scope: 'organization',
      name: 'Case',
      texts: { fr: 'Your case is {caseNumber}, {customerName}. Case {caseNumber} again.' },
      defaultLanguage: 'fr',
      variables: ['caseNumber', 'customerName'],
      updatedAt: AT,
      updatedBy: 'admin:eve',
    });
  });

  it('keeps texts by language as given, and the variables of all of them once each', () => {
    const input = quickReplyInputSchema.parse({
      name: 'Hello',
      texts: { en: 'Hi {customerName}', es: 'Hola {customerName}, soy {agentName}' },
    });
    const reply = makeQuickReply(
      { id: 'qr2', scope: 'personal', agentId: 'alice' },
      input,
      AT,
      'agent:alice',
    );
    expect(reply.texts).toEqual({ en: 'Hi {customerName}', es: 'Hola {customerName}, soy {agentName}' });
    expect(reply.variables).toEqual(['customerName', 'agentName']);
    expect(reply.agentId).toBe('alice');
  });

  it('names an agent only on a personal one', () => {
    const input = quickReplyInputSchema.parse({ name: 'Hi', texts: 'Hi' });
    expect(
      makeQuickReply({ id: 'q', scope: 'organization', agentId: 'alice' }, input, AT, 'x'),
    ).not.toHaveProperty('agentId');
    expect(makeQuickReply({ id: 'q', scope: 'personal' }, input, AT, 'x')).not.toHaveProperty('agentId');
  });
});

describe('a quick reply filled for a conversation', () => {
  const reply = {
    id: 'qr1',
    texts: {
      en: 'Hi {customerName}, this is {agentName} from {channelName}.',
      fr: 'Bonjour {customerName}, ici {agentName} de {channelName}.',
      ja: 'こんにちは、{agentName}です。',
    },
    defaultLanguage: 'en',
  };

  it('is in the customer’s language, filled with the conversation’s values', () => {
    expect(
      resolveQuickReply(reply, 'fr-CA', { customerName: 'Ann', agentName: 'Alice', channelName: 'Contoso' }),
    ).toEqual({ language: 'fr', text: 'Bonjour Ann, ici Alice de Contoso.' });
  });

  it('is in its default language when the customer’s is not among its texts', () => {
    expect(resolveQuickReply(reply, 'de', { agentName: 'Alice', channelName: 'Contoso' })).toEqual({
      language: 'en',
      text: 'Hi, this is Alice from Contoso.',
    });
  });

  it('says "one of our agents" in the text’s language when the agent has no name', () => {
    expect(resolveQuickReply(reply, 'fr', { agentName: '  ', channelName: 'Contoso' }).text).toBe(
      'Bonjour, ici un de nos conseillers de Contoso.',
    );
    expect(resolveQuickReply(reply, 'en', { channelName: 'Contoso' }).text).toBe(
      'Hi, this is one of our agents from Contoso.',
    );
    expect(resolveQuickReply(reply, 'ja', { channelName: 'Contoso' }).text).toBe(
      'こんにちは、one of our agentsです。',
    );
  });

  it('refuses to fill a variable the conversation has no value for, naming the reply', () => {
    const transfer = { id: 'qr9', texts: { en: 'Passing you to {queueName}.' }, defaultLanguage: 'en' };
    expect(() => resolveQuickReply(transfer, 'en', { channelName: 'Contoso' })).toThrow(
      'quick reply qr9 needs values for queueName',
    );
  });

  it('reports a stored reply it cannot read as a validation error, keeping the cause', () => {
    const damaged = { id: 'qr7', texts: { en: 42 as unknown as string }, defaultLanguage: 'en' };
    let error: unknown;
    try {
      resolveQuickReply(damaged, 'en', { channelName: 'Contoso' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('quick reply qr7 cannot be filled');
    expect((error as ValidationError).issues).toEqual([]);
    expect((error as ValidationError).cause).toBeInstanceOf(TypeError);
  });
});
