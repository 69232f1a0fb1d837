import { describe, expect, it } from 'vitest';
import { contactSchema } from '../../shared/domain/contact.js';

const problems = (input: unknown) => {
  const result = contactSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('a contact as an admin or a CRM sync gives it', () => {
  it('is found by the mobile number, written in E.164', () => {
    expect(
      contactSchema.parse({
        number: '+1 425 555 0123',
        name: 'Dana Whitfield',
        language: 'en',
        attributes: { tier: 'gold', 'account.id': 'A-1042' },
        crm: {
          id: 'f2b7c1de-4a3b-4c5d-8e9f-0a1b2c3d4e5f',
          url: 'https://contoso.crm.dynamics.com/main.aspx',
        },
      }),
    ).toEqual({
      number: '+14255550123',
      name: 'Dana Whitfield',
      language: 'en',
      attributes: { tier: 'gold', 'account.id': 'A-1042' },
      crm: { id: 'f2b7c1de-4a3b-4c5d-8e9f-0a1b2c3d4e5f', url: 'https://contoso.crm.dynamics.com/main.aspx' },
    });
  });

  it('has no attributes unless given', () => {
    expect(contactSchema.parse({ number: '+14255550123', name: 'Dana' }).attributes).toEqual({});
  });

  it('refuses a number without its country code, saying why in the words of the number rules', () => {
    expect(problems({ number: '425 555 0123', name: 'Dana' })).toEqual([
      'number: number must be in international form, starting with + and the country code',
    ]);
  });

  it('refuses a number in a range no operator uses', () => {
    expect(problems({ number: '+10005550123', name: 'Dana' })).toEqual([
      'number: number is not a valid number for its country',
    ]);
  });

  it('takes up to 50 attributes and refuses the 51st', () => {
    const attributes = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, index) => [`field${index}`, 'x']));
    expect(problems({ number: '+14255550123', name: 'Dana', attributes: attributes(50) })).toEqual([]);
    expect(problems({ number: '+14255550123', name: 'Dana', attributes: attributes(51) })).toEqual([
      'attributes: at most 50 attributes',
    ]);
  });
});
