import { describe, expect, it } from 'vitest';
import { fill } from '../../shared/domain/localized.js';
import { ValidationError } from '../../shared/errors.js';

const optional = { optional: ['customerName', 'agentName'] };

describe('filling a text whose optional value is missing', () => {
  it.each([
    ['Hi {customerName}, thanks for writing.', 'Hi, thanks for writing.'],
    ['Thanks {customerName}.', 'Thanks.'],
    ['Thanks, {customerName}!', 'Thanks!'],
    ['{customerName}, your order ships today.', 'Your order ships today.'],
    ['Case C12 ({customerName}) is open.', 'Case C12 is open.'],
    ['Bonjour {customerName} !', 'Bonjour !'],
    ['Hola {customerName}, ¿en qué podemos ayudarle?', 'Hola, ¿en qué podemos ayudarle?'],
    ['Hi {customerName}', 'Hi'],
  ])('never shows an empty value: %s', (text, expected) => {
    expect(fill(text, {}, optional)).toBe(expected);
    expect(fill(text, { customerName: '  ' }, optional)).toBe(expected);
  });

  it('fills a value it has as given', () => {
    expect(fill('Hi {customerName}, thanks.', { customerName: 'Amélie' }, optional)).toBe(
      'Hi Amélie, thanks.',
    );
  });

  it('still refuses a required value that is missing or blank', () => {
    expect(() => fill('Case {caseNumber}', { caseNumber: ' ' }, optional)).toThrow(ValidationError);
  });
});
