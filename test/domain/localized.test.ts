import { describe, expect, it } from 'vitest';
import { fill, localizedTextSchema, pickText, variablesOf } from '../../shared/domain/localized.js';
import { ValidationError } from '../../shared/errors.js';

const greeting = {
  en: 'Hello, how can we help?',
  pt: 'Olá, como podemos ajudar?',
  'pt-BR': 'Oi, como podemos ajudar?',
  fr: 'Bonjour, comment pouvons-nous vous aider ?',
};

describe('the text for a customer’s language', () => {
  it('is the one in their exact language', () => {
    expect(pickText(greeting, 'pt-BR', 'en')).toEqual({ language: 'pt-BR', text: greeting['pt-BR'] });
  });

  it('else the one in their primary language', () => {
    expect(pickText(greeting, 'pt-PT', 'en')).toEqual({ language: 'pt', text: greeting.pt });
    expect(pickText(greeting, 'fr-CA', 'en')).toEqual({ language: 'fr', text: greeting.fr });
  });

  it('else the one in the fallback language, or the fallback’s primary language', () => {
    expect(pickText(greeting, 'de', 'fr')).toEqual({ language: 'fr', text: greeting.fr });
    expect(pickText(greeting, 'de', 'fr-BE')).toEqual({ language: 'fr', text: greeting.fr });
    expect(pickText(greeting, undefined, 'en')).toEqual({ language: 'en', text: greeting.en });
  });

  it('else the first there is', () => {
    expect(pickText({ es: 'Hola', it: 'Ciao' }, 'de', 'en')).toEqual({ language: 'es', text: 'Hola' });
    expect(pickText({ es: 'Hola' }, undefined, 'en')).toEqual({ language: 'es', text: 'Hola' });
  });

  it('is a plain text itself, said to be in the fallback language', () => {
    expect(pickText('Hello', 'fr', 'en')).toEqual({ language: 'en', text: 'Hello' });
  });

  it('cannot be found among no texts at all', () => {
    expect(() => pickText({}, 'en', 'en')).toThrow(new ValidationError('the text has no language'));
  });
});

describe('localized texts as an admin saves them', () => {
  it('are one plain text, or texts by language tag', () => {
    expect(localizedTextSchema.parse('Hello')).toBe('Hello');
    expect(localizedTextSchema.parse({ en: 'Hello', 'pt-BR': 'Oi' })).toEqual({ en: 'Hello', 'pt-BR': 'Oi' });
  });

  it('give at least one language', () => {
    const parsed = localizedTextSchema.safeParse({});
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['give at least one language']);
  });
});

describe('the variables a text uses', () => {
  it('are the {names} in it, in order of first use, each once', () => {
    expect(variablesOf('Hi {name}, case {caseNumber} is open. Thanks {name}.')).toEqual([
      'name',
      'caseNumber',
    ]);
  });

  it('are names that start with a letter, of letters, digits and _', () => {
    expect(variablesOf('{order_2} {2nd} {first name} {} {Queue}')).toEqual(['order_2', 'Queue']);
  });

  it('are none in a text without braces', () => {
    expect(variablesOf('Hello')).toEqual([]);
  });
});

describe('filling the variables of a text', () => {
  it('puts each value in its place, numbers written out, and tidies the spaces', () => {
    expect(fill('Hi {name},  you are number {position}  in line.', { name: 'Dana', position: 0 })).toBe(
      'Hi Dana, you are number 0 in line.',
    );
  });

  it('names every variable left without a value, in the field it is for', () => {
    const call = () =>
      fill('Hi {name}, case {caseNumber} at {time}', { name: 'Dana', time: ' ' }, { field: 'welcome' });
    expect(call).toThrow('welcome needs values for caseNumber, time');
    try {
      call();
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        { path: 'welcome', message: 'missing values: caseNumber, time' },
      ]);
    }
  });

  it('says "text" when no field is named', () => {
    expect(() => fill('Hi {name}', {})).toThrow('text needs values for name');
  });

  it('refuses a filled text over one message, in the field it is for', () => {
    expect(() => fill('{body}', { body: 'a'.repeat(1601) }, { field: 'reply' })).toThrow(
      'reply has 1601 characters; the limit is 1600',
    );
  });

  it('leaves a text without variables as it is, but for its spaces', () => {
    expect(fill('  Thanks  for writing.  ', {})).toBe('Thanks for writing.');
  });
});

describe('filling a text whose optional value is missing tidies the text around it', () => {
  const optional = { optional: ['name'] };
  it.each([
    ['a comma before a full stop goes with it', 'Thanks, {name}.', 'Thanks.'],
    ['a semicolon before a question mark', 'Ready; {name}?', 'Ready?'],
    ['a colon before an exclamation mark', 'Welcome: {name}!', 'Welcome!'],
    ['the space before a comma', 'Hi {name}, welcome', 'Hi, welcome'],
    ['a tab before a full stop', 'Thanks\t{name}.', 'Thanks.'],
    ['brackets with spaces inside', 'Case C12 ( {name} ) is open.', 'Case C12 is open.'],
    ['a leading variable and its colon', '{name}: your order ships today.', 'Your order ships today.'],
    ['a leading variable after spaces', '  {name} your order ships.', 'Your order ships.'],
    ['a variable in the middle of a sentence', 'Dear {name} customer', 'Dear customer'],
    ['two of them', 'Hi {name}, bye {name}.', 'Hi, bye.'],
    ['a leading variable with a space before its comma', '{name} , your order ships.', 'Your order ships.'],
    ['a leading variable and its comma, no space after', '{name},your order ships.', 'Your order ships.'],
    ['a comma written against the variable', 'Thanks,{name}.', 'Thanks.'],
    ['a space between the variable and the closing mark', 'Thanks, {name} !', 'Thanks!'],
    ['two spaces before a full stop', 'Thanks  {name}.', 'Thanks.'],
    ['a space before a comma after the variable', 'Hi {name} , welcome', 'Hi, welcome'],
  ])('%s: "%s"', (_name, text, expected) => {
    expect(fill(text, {}, optional)).toBe(expected);
  });

  it('capitalises only the first letter of a sentence that began with the variable', () => {
    expect(fill('{name}, ça va ?', {}, optional)).toBe('Ça va ?');
    expect(fill('Hi {name}, thanks', {}, optional)).toBe('Hi, thanks');
    expect(fill('hi {name}, thanks', {}, optional)).toBe('hi, thanks');
    expect(fill('{name} 3 items are ready', {}, optional)).toBe('3 items are ready');
  });

  it('leaves a text without a gap as it was written, lower case included', () => {
    expect(fill('ok {name}', { name: 'dana' }, optional)).toBe('ok dana');
    expect(fill('thanks', {}, optional)).toBe('thanks');
  });
});
