import { z } from 'zod';

/**
 * The rules every name, text and language tag entering the system follows (admin API, seed, agent
 * replies, notifications, agent-initiated conversations), in one place so they cannot drift.
 */

/** The longest name of a channel, queue, agent or holiday: it is read out in automated messages. */
export const MAX_NAME_LENGTH = 100;
/** The longest language tag: RFC 5646 (4.4.1) says 35 characters hold every tag in practical use. */
export const MAX_LANGUAGE_TAG_LENGTH = 35;

/**
 * Characters that show nothing on a phone: blanks, control and format characters (zero-width
 * space and joiners, direction marks, the byte-order mark), combining marks with nothing to sit
 * on, unassigned and private-use code points, and the letters and symbols that render empty
 * (Hangul fillers, the blank Braille pattern).
 */
const VISIBLE = /(?![\u115F\u1160\u3164\uFFA0\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;
/** Control characters; texts may hold line breaks and tabs, names nothing of the kind. */
const CONTROL_IN_TEXT = /(?![\t\n\r])\p{Cc}/u;
const CONTROL_IN_NAME = /\p{Cc}/u;

export function hasVisible(value: string): boolean {
  return VISIBLE.test(value);
}

const codePoints = (value: string) => Array.from(value).length;

/** What is wrong with a name or a text, or undefined when it is fine. */
export function fieldProblem(value: string, kind: 'name' | 'text', max: number): string | undefined {
  if (!hasVisible(value))
    return 'must contain something visible (not only blanks, zero-width or control characters)';
  if ((kind === 'name' ? CONTROL_IN_NAME : CONTROL_IN_TEXT).test(value))
    return kind === 'name'
      ? 'must not contain control characters or line breaks'
      : 'must not contain control characters (line breaks and tabs are fine)';
  const length = codePoints(value);
  if (length > max) return `has ${length} characters; the limit is ${max}`;
  return undefined;
}

function checked(kind: 'name' | 'text', max: number) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = fieldProblem(value, kind, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** A name people read (a channel, queue, agent, holiday, contact or template): one visible line. */
export const nameSchema = (max = MAX_NAME_LENGTH) => checked('name', max);

/** A text sent to customers (a reply, an automated message, a keyword reply): something visible. */
export const textSchema = (max: number) => checked('text', max);

/** Whether a string is a well-formed BCP 47 language tag, as Intl (ICU) reads one. */
function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/**
 * A BCP 47 language tag as contact centers use them: `en`, `fr`, `pt-BR`, `zh-Hant-TW`. Checked by
 * Intl.getCanonicalLocales (the platform's own BCP 47 parser) and kept as written: texts are
 * found by their tag, so rewriting `pt-br` to `pt-BR` would lose existing ones.
 */
export const languageTag = z.string().superRefine((value, ctx) => {
  const problem =
    value.length > MAX_LANGUAGE_TAG_LENGTH
      ? `a language tag has at most ${MAX_LANGUAGE_TAG_LENGTH} characters`
      : !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value) || !isLanguageTag(value)
        ? 'not a BCP 47 language tag (such as en, fr or pt-BR)'
        : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
