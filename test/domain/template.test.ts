import { describe, expect, it } from 'vitest';
import {
  addVersion,
  currentVersion,
  TEMPLATE_VERSIONS_KEPT,
  type Template,
  templateInputSchema,
  templateText,
} from '../../shared/domain/template.js';

const AT = '2026-12-02T09:00:00.000Z';

const save = (existing: Template | undefined, input: unknown, at = AT, by = 'admin@contoso.com') =>
  addVersion(existing, 'appointment-reminder', templateInputSchema.parse(input), at, by);

const reminder = {
  name: 'Appointment reminder',
  texts: {
    en: 'Hi {name}, your appointment is on {date}.',
    fr: 'Bonjour {name}, votre rendez-vous est le {date} à {time}.',
  },
};

describe('saving a template', () => {
  it('makes version 1, with the variables its texts use in all languages', () => {
    expect(save(undefined, reminder)).toEqual({
      id: 'appointment-reminder',
      versions: [
        {
          version: 1,
          name: 'Appointment reminder',
          texts: reminder.texts,
          defaultLanguage: 'en',
          variables: ['name', 'date', 'time'],
          createdAt: AT,
          createdBy: 'admin@contoso.com',
        },
      ],
    });
  });

  it('takes a plain text as the text in its default language', () => {
    const template = save(undefined, { name: 'Welcome', texts: 'Bienvenue !', defaultLanguage: 'fr' });
    expect(currentVersion(template)).toMatchObject({
      texts: { fr: 'Bienvenue !' },
      defaultLanguage: 'fr',
      variables: [],
    });
  });

  it('saving again adds the next version and keeps the earlier ones', () => {
    const first = save(undefined, reminder);
    const second = save(
      first,
      { ...reminder, texts: 'See you on {date}.' },
      '2026-12-03T09:00:00.000Z',
      'bob',
    );
    expect(second.versions.map((version) => version.version)).toEqual([1, 2]);
    expect(second.versions[0]).toEqual(first.versions[0]);
    expect(currentVersion(second)).toMatchObject({
      version: 2,
      texts: { en: 'See you on {date}.' },
      variables: ['date'],
      createdAt: '2026-12-03T09:00:00.000Z',
      createdBy: 'bob',
    });
  });

  it(`keeps the newest ${TEMPLATE_VERSIONS_KEPT} versions, numbering on after the last`, () => {
    let template: Template | undefined;
    for (let saved = 0; saved < TEMPLATE_VERSIONS_KEPT + 2; saved += 1) template = save(template, reminder);
    expect(TEMPLATE_VERSIONS_KEPT).toBe(50);
    expect(template?.versions).toHaveLength(50);
    expect(template?.versions[0]?.version).toBe(3);
    expect(template && currentVersion(template).version).toBe(52);
  });
});

describe('the version sent', () => {
  it('is the newest', () => {
    const template = save(save(undefined, reminder), { ...reminder, name: 'Reminder' });
    expect(currentVersion(template).name).toBe('Reminder');
  });

  it('cannot be found in a template with no version, which says which template', () => {
    expect(() => currentVersion({ id: 'broken', versions: [] })).toThrow('template broken has no version');
  });

  it("is in the recipient's language, else the template's default", () => {
    const version = currentVersion(save(undefined, { ...reminder, defaultLanguage: 'fr' }));
    expect(templateText(version, 'en-GB')).toEqual({ language: 'en', text: reminder.texts.en });
    expect(templateText(version, 'de')).toEqual({ language: 'fr', text: reminder.texts.fr });
    expect(templateText(version, undefined)).toEqual({ language: 'fr', text: reminder.texts.fr });
  });
});
