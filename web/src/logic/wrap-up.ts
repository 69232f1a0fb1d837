/** A queue's wrap-up list as `GET queues` gives it. */
export interface QueueWrapUpView {
  codes: { code: string; label: string }[];
  required: boolean;
}

/** The API's limit on a wrap-up note (the domain's WRAP_UP_NOTE_MAX; a unit test keeps them equal). */
export const WRAP_UP_NOTE_MAX = 1000;

export interface EndInput {
  code: string;
  note: string;
}

/** What is wrong with the End dialog's choice, on which field, in words for the agent. */
export interface EndProblem {
  field: 'code' | 'note';
  message: string;
}

/**
 * Whether the agent may end with this code and note, checked as the API checks it so the dialog
 * says why before sending: a required list needs a code, the code must be one of the list, the note
 * stays within the limit. A blank code or note is none.
 */
export function endProblem(
  queue: { name: string; wrapUp?: QueueWrapUpView | undefined },
  input: EndInput,
): EndProblem | undefined {
  const codes = queue.wrapUp?.codes ?? [];
  const code = input.code.trim();
  if (code === '' && queue.wrapUp?.required) {
    return {
      field: 'code',
      message: `Choose a wrap-up code: queue ${queue.name} requires one to end a conversation.`,
    };
  }
  if (code !== '' && !codes.some((entry) => entry.code === code)) {
    return { field: 'code', message: `${code} is not one of queue ${queue.name}'s wrap-up codes.` };
  }
  const note = input.note.trim();
  if (note.length > WRAP_UP_NOTE_MAX) {
    return {
      field: 'note',
      message: `The note has ${note.length} characters; the limit is ${WRAP_UP_NOTE_MAX}.`,
    };
  }
  return undefined;
}

/** The body of `POST conversations/{id}/end`: only what the agent gave. */
export function endBody(input: EndInput): { wrapUpCode?: string; note?: string } {
  const code = input.code.trim();
  const note = input.note.trim();
  return { ...(code === '' ? {} : { wrapUpCode: code }), ...(note === '' ? {} : { note }) };
}
