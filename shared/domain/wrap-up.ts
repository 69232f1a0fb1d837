import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { fieldProblem, nameSchema } from './fields.js';

/** The longest wrap-up note: a few sentences for whoever reads the history, not a transcript. */
export const WRAP_UP_NOTE_MAX = 1000;
/** A queue's codes stay a list an agent can choose from at a glance. */
export const WRAP_UP_CODES_MAX = 50;

export const wrapUpCodeSchema = z.object({
  /** What reports and integrations key on: stable, short, no spaces. */
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'use letters, digits, _ . - (at most 40, no spaces)'),
  /** What the agent reads in the End dialog. */
  label: nameSchema(),
});
export type WrapUpCode = z.output<typeof wrapUpCodeSchema>;

/** A queue's wrap-up codes, and whether an agent must choose one to end a conversation. */
export const queueWrapUpSchema = z
  .object({
    codes: z.array(wrapUpCodeSchema).max(WRAP_UP_CODES_MAX).default([]),
    required: z.boolean().default(false),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.codes.forEach((entry, index) => {
      if (seen.has(entry.code))
        ctx.addIssue({
          code: 'custom',
          path: ['codes', index, 'code'],
          message: `duplicate code ${entry.code}`,
        });
      seen.add(entry.code);
    });
    if (value.required && value.codes.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['required'],
        message: 'a required wrap-up needs at least one code',
      });
  });
export type QueueWrapUp = z.output<typeof queueWrapUpSchema>;

/** What the agent recorded on ending a conversation: a code of its queue's list, a note, or both. */
export interface WrapUp {
  code?: string;
  /** The code's label when it was chosen, so the history reads the same after the list changes. */
  label?: string;
  note?: string;
  at: string;
  /** agent:<id> */
  by: string;
}

/**
 * The wrap-up an agent gives on ending a conversation of this queue, checked against the queue's
 * list: a code must be one of them, and one is needed when the queue requires it. A blank note is
 * no note. Undefined when the agent gave nothing (and the queue asks for nothing).
 */
export function wrapUpFor(
  queue: { id: string; wrapUp?: QueueWrapUp | undefined },
  input: { code?: string | undefined; note?: string | undefined },
  at: string,
  by: string,
): WrapUp | undefined {
  const codes = queue.wrapUp?.codes ?? [];
  const code = input.code?.trim() || undefined;
  const note = input.note?.trim() || undefined;
  const listed = codes.map((entry) => entry.code).join(', ');
  if (code === undefined && queue.wrapUp?.required) {
    throw new ValidationError(
      `queue ${queue.id} requires a wrap-up code to end a conversation: one of ${listed}`,
      [{ path: 'wrapUpCode', message: 'required' }],
    );
  }
  const chosen = codes.find((entry) => entry.code === code);
  if (code !== undefined && !chosen) {
    throw new ValidationError(
      codes.length === 0
        ? `queue ${queue.id} has no wrap-up codes; ${code} is not one`
        : `wrap-up code ${code} is not in queue ${queue.id}'s list: ${listed}`,
      [{ path: 'wrapUpCode', message: 'not in the queue list' }],
    );
  }
  if (note !== undefined) {
    const problem = fieldProblem(note, 'text', WRAP_UP_NOTE_MAX);
    if (problem) throw new ValidationError(`note ${problem}`, [{ path: 'note', message: problem }]);
  }
  if (!chosen && note === undefined) return undefined;
  return {
    ...(chosen ? { code: chosen.code, label: chosen.label } : {}),
    ...(note === undefined ? {} : { note }),
    at,
    by,
  };
}

/** How many conversations ended with each code. */
export function countWrapUpCodes(conversations: { wrapUp?: WrapUp }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const conversation of conversations) {
    const code = conversation.wrapUp?.code;
    if (code !== undefined) counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}
