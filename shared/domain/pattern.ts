import { RE2JS, RE2JSException } from 're2js';
import { z } from 'zod';

/** The longest routing pattern an admin may save. */
export const MAX_PATTERN_LENGTH = 500;

/**
 * Admins' regular expressions run on RE2 (re2js, pure JavaScript), whose matching time is linear in
 * the text: a pattern such as `^(a+)+$` that makes a backtracking engine (JavaScript's RegExp) run
 * for seconds on one customer message cannot stall the inbound pipeline. RE2 has no lookaround and
 * no backreferences, the features that need backtracking, so a pattern using them is refused when
 * saved. Patterns are written as in JavaScript (`\u00e9`, `(?<name>...)` are translated) and
 * match case-insensitively, as they always have.
 */
export function compilePattern(source: string): { ok: true; pattern: RE2JS } | { ok: false; reason: string } {
  if (Array.from(source).length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  try {
    return { ok: true, pattern: RE2JS.compile(RE2JS.translateRegExp(source), RE2JS.CASE_INSENSITIVE) };
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    return { ok: false, reason: reasonFor(error) };
  }
}

function reasonFor(error: RE2JSException): string {
  const { error: what, input } = error as RE2JSException & { error?: string; input?: string | null };
  const near = input ? input.replace(/^\(\?i\)/, '') : '';
  const lookaround = ['(?<=', '(?<!', '(?=', '(?!'].find((start) => near.startsWith(start));
  if (lookaround)
    return `lookaround (${lookaround}...) needs backtracking, which the linear-time engine does not do`;
  if (/^\\[1-9]/.test(near))
    return `a backreference (${near}) needs backtracking, which the linear-time engine does not do`;
  return `${what ?? error.message}${near ? ` at ${near}` : ''}`;
}

/** A routing pattern as an admin saves it: one the linear-time engine compiles. */
export const patternSchema = z.string().superRefine((source, ctx) => {
  const compiled = compilePattern(source);
  if (!compiled.ok) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${compiled.reason}` });
  }
});

/** Compiled patterns by source: a channel's few rules are compiled once, not on every message. */
const compiled = new Map<string, RE2JS | null>();
const CACHE_LIMIT = 1000;

/**
 * Whether a text contains a match. A stored pattern the engine cannot compile (saved before
 * patterns were checked against it) matches nothing, so its rule is skipped rather than failing
 * every message.
 */
export function patternFinds(source: string, text: string): boolean {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    const result = compilePattern(source);
    pattern = result.ok ? result.pattern : null;
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern?.test(text) === true;
}
