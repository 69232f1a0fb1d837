import { describe, expect, it } from 'vitest';
import {
  countWrapUpCodes,
  queueWrapUpSchema,
  WRAP_UP_NOTE_MAX,
  wrapUpFor,
} from '../../shared/domain/wrap-up.js';
import { thrownValidation as thrown } from '../support/thrown.js';

const AT = '2026-11-23T10:00:00.000Z';
const BY = 'agent:alice';

const codes = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'callback', label: 'Call back later' },
];
const billing = { id: 'billing', wrapUp: { codes, required: false } };
const strict = { id: 'billing', wrapUp: { codes, required: true } };

describe('a queue’s wrap-up codes', () => {
  it('defaults to no codes and nothing required', () => {
    expect(queueWrapUpSchema.parse({})).toEqual({ codes: [], required: false });
  });

  it('takes distinct codes', () => {
    expect(queueWrapUpSchema.parse({ codes, required: true })).toEqual({ codes, required: true });
  });

  it('refuses a code listed twice, pointing at the second', () => {
    const result = queueWrapUpSchema.safeParse({
      codes: [...codes, { code: 'resolved', label: 'Fixed' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      { code: 'custom', path: ['codes', 2, 'code'], message: 'duplicate code resolved' },
    ]);
  });

  it('refuses a required wrap-up without any code', () => {
    const result = queueWrapUpSchema.safeParse({ codes: [], required: true });
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      { code: 'custom', path: ['required'], message: 'a required wrap-up needs at least one code' },
    ]);
  });
});

describe('the wrap-up an agent gives on ending a conversation', () => {
  it('is nothing when the agent gives nothing and the queue asks for nothing', () => {
    expect(wrapUpFor(billing, {}, AT, BY)).toBeUndefined();
    expect(wrapUpFor({ id: 'general' }, {}, AT, BY)).toBeUndefined();
    expect(wrapUpFor(billing, { code: '  ', note: ' \n ' }, AT, BY)).toBeUndefined();
  });

  it('records a listed code with its label, who and when', () => {
    expect(wrapUpFor(billing, { code: ' callback ' }, AT, BY)).toStrictEqual({
      code: 'callback',
      label: 'Call back later',
      at: AT,
      by: BY,
    });
  });

  it('records a note alone, trimmed', () => {
    expect(wrapUpFor(billing, { note: '  Customer will call back.  ' }, AT, BY)).toStrictEqual({
      note: 'Customer will call back.',
      at: AT,
      by: BY,
    });
  });

  it('records a code and a note together', () => {
    expect(wrapUpFor(strict, { code: 'resolved', note: 'Refund issued' }, AT, BY)).toEqual({
      code: 'resolved',
      label: 'Resolved',
      note: 'Refund issued',
      at: AT,
      by: BY,
    });
  });

  it('asks for a code when the queue requires one, listing them', () => {
    for (const input of [{}, { code: ' ' }, { note: 'done' }]) {
      const error = thrown(() => wrapUpFor(strict, input, AT, BY));
      expect(error.message).toBe(
        'queue billing requires a wrap-up code to end a conversation: one of resolved, callback',
      );
      expect(error.issues).toEqual([{ path: 'wrapUpCode', message: 'required' }]);
    }
  });

  it('refuses a code not in the queue’s list, listing the ones there are', () => {
    const error = thrown(() => wrapUpFor(billing, { code: 'Resolved' }, AT, BY));
    expect(error.message).toBe("wrap-up code Resolved is not in queue billing's list: resolved, callback");
    expect(error.issues).toEqual([{ path: 'wrapUpCode', message: 'not in the queue list' }]);
  });

  it('refuses any code on a queue without codes', () => {
    for (const queue of [{ id: 'general' }, { id: 'general', wrapUp: { codes: [], required: false } }]) {
      const error = thrown(() => wrapUpFor(queue, { code: 'resolved' }, AT, BY));
      expect(error.message).toBe('queue general has no wrap-up codes; resolved is not one');
      expect(error.issues).toEqual([{ path: 'wrapUpCode', message: 'not in the queue list' }]);
    }
  });

  it(`takes a note of ${WRAP_UP_NOTE_MAX} characters and refuses a longer one`, () => {
    const longest = 'a'.repeat(WRAP_UP_NOTE_MAX);
    expect(wrapUpFor(billing, { note: longest }, AT, BY)?.note).toBe(longest);
    const error = thrown(() => wrapUpFor(billing, { note: `${longest}a` }, AT, BY));
    expect(error.message).toBe(
      `note has ${WRAP_UP_NOTE_MAX + 1} characters; the limit is ${WRAP_UP_NOTE_MAX}`,
    );
    expect(error.issues).toEqual([
      { path: 'note', message: `has ${WRAP_UP_NOTE_MAX + 1} characters; the limit is ${WRAP_UP_NOTE_MAX}` },
    ]);
  });

  it('refuses a note with control characters, but keeps line breaks', () => {
    expect(() => wrapUpFor(billing, { note: 'bad\u0007bell' }, AT, BY)).toThrow(
      'note must not contain control characters',
    );
    expect(wrapUpFor(billing, { note: 'line one\nline two' }, AT, BY)?.note).toBe('line one\nline two');
  });
});

describe('counting wrap-up codes', () => {
  it('counts conversations per code, leaving out those without one', () => {
    const wrapUp = (code?: string) => ({ wrapUp: { ...(code ? { code } : {}), note: 'n', at: AT, by: BY } });
    expect(
      countWrapUpCodes([wrapUp('resolved'), wrapUp('callback'), wrapUp('resolved'), wrapUp(), {}]),
    ).toEqual({ resolved: 2, callback: 1 });
    expect(countWrapUpCodes([])).toEqual({});
  });
});
