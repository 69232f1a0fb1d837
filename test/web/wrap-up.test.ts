import { describe, expect, it } from 'vitest';
import { WRAP_UP_NOTE_MAX as DOMAIN_NOTE_MAX } from '../../shared/domain/wrap-up.js';
import { endBody, endProblem, WRAP_UP_NOTE_MAX } from '../../web/src/logic/wrap-up.js';

const general = {
  name: 'General support',
  wrapUp: {
    codes: [
      { code: 'resolved', label: 'Resolved' },
      { code: 'callback', label: 'Call back' },
    ],
    required: true,
  },
};
const billing = { name: 'Billing', wrapUp: { codes: general.wrapUp.codes, required: false } };

describe("the End dialog's check", () => {
  it('asks for a code, naming the queue, when the queue requires one and none (or a blank) is chosen', () => {
    const problem = {
      field: 'code',
      message: 'Choose a wrap-up code: queue General support requires one to end a conversation.',
    };
    expect(endProblem(general, { code: '', note: 'Sorted' })).toEqual(problem);
    expect(endProblem(general, { code: '  ', note: '' })).toEqual(problem);
  });

  it('lets the agent end without a code when the queue does not require one, or has no list', () => {
    expect(endProblem(billing, { code: '', note: '' })).toBeUndefined();
    expect(endProblem({ name: 'Sales' }, { code: '', note: 'Sorted' })).toBeUndefined();
  });

  it("accepts one of the queue's codes and refuses another", () => {
    expect(endProblem(general, { code: 'callback', note: '' })).toBeUndefined();
    expect(endProblem(general, { code: 'lost', note: '' })).toEqual({
      field: 'code',
      message: "lost is not one of queue General support's wrap-up codes.",
    });
  });

  it("refuses a note over the API's limit, which is the domain's", () => {
    expect(WRAP_UP_NOTE_MAX).toBe(DOMAIN_NOTE_MAX);
    expect(endProblem(billing, { code: '', note: 'a'.repeat(WRAP_UP_NOTE_MAX) })).toBeUndefined();
    expect(endProblem(billing, { code: '', note: 'a'.repeat(WRAP_UP_NOTE_MAX + 1) })).toEqual({
      field: 'note',
      message: `The note has ${WRAP_UP_NOTE_MAX + 1} characters; the limit is ${WRAP_UP_NOTE_MAX}.`,
    });
  });
});

describe("the end's body", () => {
  it('carries only what the agent gave, trimmed', () => {
    expect(endBody({ code: 'resolved', note: ' Refund sent. ' })).toEqual({
      wrapUpCode: 'resolved',
      note: 'Refund sent.',
    });
    expect(endBody({ code: '', note: '  ' })).toEqual({});
  });
});
