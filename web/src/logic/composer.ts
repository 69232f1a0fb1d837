import type { ConversationState } from '../types.js';
import { countMessage } from './counter.js';

export interface ComposerInput {
  text: string;
  state: ConversationState;
  optedOut: boolean;
  /** A supervisor looking at someone else's conversation. */
  readOnly: boolean;
  sending: boolean;
}

export interface ComposerState {
  /** Whether the text box takes input at all. */
  editable: boolean;
  canSend: boolean;
  /** Why sending is not possible now, in words for the agent; absent when it is. */
  reason?: string;
}

/** Whether the agent may send, and if not, why: checked in this order, the first reason wins. */
export function composerState(input: ComposerInput): ComposerState {
  if (input.readOnly) {
    return { editable: false, canSend: false, reason: 'Read only: this conversation is not yours.' };
  }
  if (input.optedOut) {
    return {
      editable: false,
      canSend: false,
      reason:
        'The customer opted out of texts on this channel (STOP); nothing can be sent until they text START.',
    };
  }
  if (input.state === 'closed') {
    return { editable: false, canSend: false, reason: 'This conversation is closed.' };
  }
  if (input.state === 'open') {
    return {
      editable: false,
      canSend: false,
      reason: 'This conversation is waiting in the queue; pick it to reply.',
    };
  }
  const counter = countMessage(input.text);
  if (input.sending) return { editable: true, canSend: false, reason: 'Sending…' };
  if (input.text.trim().length === 0) return { editable: true, canSend: false, reason: 'Write a message.' };
  if (counter.over) {
    return {
      editable: true,
      canSend: false,
      reason: `Too long: ${counter.characters} characters; the limit is ${counter.max}.`,
    };
  }
  return { editable: true, canSend: true };
}
