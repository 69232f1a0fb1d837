import { z } from 'zod';
import { languageTag, nameSchema } from './fields.js';
import { type LocalizedText, localizedTextSchema, pickText, variablesOf } from './localized.js';

/** How many versions a template keeps: enough to see what went out last month, bounded in size. */
export const TEMPLATE_VERSIONS_KEPT = 50;

/** What an admin saves: a name and the texts by language; saving again makes a new version. */
export const templateInputSchema = z.object({
  name: nameSchema(200),
  texts: localizedTextSchema,
  /** The language used when the recipient's is not among the texts. */
  defaultLanguage: languageTag.default('en'),
});
export type TemplateInput = z.input<typeof templateInputSchema>;

export interface TemplateVersion {
  version: number;
  name: string;
  texts: LocalizedText;
  defaultLanguage: string;
  /** The variables the texts use (all languages together). */
  variables: string[];
  createdAt: string;
  createdBy: string;
}

/** A stored, versioned, localized message template; the newest version is the one sent. */
export interface Template {
  id: string;
  versions: TemplateVersion[];
}

export function currentVersion(template: Template): TemplateVersion {
  const latest = template.versions.at(-1);
  if (!latest) throw new Error(`template ${template.id} has no version`);
  return latest;
}

/** Adds a version (numbered after the last), keeping the newest TEMPLATE_VERSIONS_KEPT. */
export function addVersion(
  existing: Template | undefined,
  id: string,
  input: z.output<typeof templateInputSchema>,
  at: string,
  by: string,
): Template {
  const texts: LocalizedText =
    typeof input.texts === 'string' ? { [input.defaultLanguage]: input.texts } : input.texts;
  const version: TemplateVersion = {
    version: (existing ? currentVersion(existing).version : 0) + 1,
    name: input.name,
    texts,
    defaultLanguage: input.defaultLanguage,
    variables: [...new Set(Object.values(texts).flatMap(variablesOf))],
    createdAt: at,
    createdBy: by,
  };
  return { id, versions: [...(existing?.versions ?? []), version].slice(-TEMPLATE_VERSIONS_KEPT) };
}

/** The text of a version for a recipient's language. */
export function templateText(version: TemplateVersion, language: string | undefined) {
  return pickText(version.texts, language, version.defaultLanguage);
}
