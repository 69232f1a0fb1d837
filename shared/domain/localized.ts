import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { languageTag, textSchema } from './fields.js';
import { validateMessageText } from './message.js';
import { MAX_MESSAGE_LENGTH } from './segments.js';

/** `{name}` in a text is a variable, filled when the message is sent. */
const VARIABLE = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** Texts by language tag; a plain string is the text in the channel's own language. */
export type LocalizedText = Record<string, string>;

export const localizedTextSchema = z
  .union([textSchema(MAX_MESSAGE_LENGTH), z.record(languageTag, textSchema(MAX_MESSAGE_LENGTH))])
  .refine(
    (value) => typeof value === 'string' || Object.keys(value).length > 0,
    'give at least one language',
  );
export type LocalizedTextInput = z.input<typeof localizedTextSchema>;

/** The variables a text uses, in order of first use. */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] ?? ''))];
}

/**
 * The text for a customer's language: the exact tag, then its primary language (pt-BR, then pt),
 * then the fallback language, then any.
 */
export function pickText(
  texts: string | LocalizedText,
  language: string | undefined,
  fallback: string,
): { language: string; text: string } {
  if (typeof texts === 'string') return { language: fallback, text: texts };
  const wanted = [language, language?.split('-')[0], fallback, fallback.split('-')[0]];
  for (const tag of wanted) {
    const text = tag ? texts[tag] : undefined;
    if (text !== undefined && tag) return { language: tag, text };
  }
  const [first] = Object.entries(texts);
  if (!first) throw new ValidationError('the text has no language');
  return { language: first[0], text: first[1] };
}

/** Where a variable left without a value stood, until the text around it is tidied (a private-use
 * character: not a control character, which the linter refuses in a pattern, and nothing we send). */
const GAP = '\uE000';

/**
 * A text with the variables it had no value for taken out, so it still reads well: "Hi {name},
 * thanks" becomes "Hi, thanks", "Thanks {name}." becomes "Thanks.", "({name})" disappears and a
 * sentence that began with the variable begins with its next word, capitalised.
 */
function closeGaps(text: string): string {
  if (!text.includes(GAP)) return text;
  const withoutBrackets = text.replace(/\(\s*\uE000\s*\)/g, '');
  const leading = /^\s*\uE000/.test(withoutBrackets);
  const tidied = withoutBrackets
    .replace(/^\s*\uE000\s*[,;:]?\s*/, '')
    .replace(/([,;:])\s*\uE000\s*([.!?])/g, '$2')
    .replace(/[ \t]*\uE000[ \t]*([,.])/g, '$1')
    .replace(/\uE000/g, '');
  return leading ? tidied.replace(/^\p{Ll}/u, (first) => first.toUpperCase()) : tidied;
}

/**
 * Fills `{variables}`. Every variable the text uses must be given (an automated message may
 * allow some to be left out: the text is tidied around them, never showing an empty value), and
 * the result must fit one message.
 */
export function fill(
  text: string,
  values: Record<string, string | number | undefined>,
  options: { field?: string; optional?: readonly string[] } = {},
): string {
  const field = options.field ?? 'text';
  const absent = (value: string | number | undefined) => value === undefined || String(value).trim() === '';
  const missing = variablesOf(text).filter(
    (name) => absent(values[name]) && !options.optional?.includes(name),
  );
  if (missing.length > 0) {
    throw new ValidationError(`${field} needs values for ${missing.join(', ')}`, [
      { path: field, message: `missing values: ${missing.join(', ')}` },
    ]);
  }
  const filled = closeGaps(
    text.replace(VARIABLE, (_, name: string) => {
      const value = values[name];
      return absent(value) ? GAP : String(value);
    }),
  ).replace(/\s{2,}/g, ' ');
  return validateMessageText(filled.trim(), field);
}
