import { describe, expect, it } from 'vitest';
import { type ComposerInput, composerState } from '../../web/src/logic/composer.js';

const base: ComposerInput = {
  text: 'Hello',
  state: 'active',
  optedOut: false,
  readOnly: false,
  sending: false,
};

describe("the composer's state", () => {
  it('lets the agent send a written reply in an active conversation', () => {
    expect(composerState(base)).toEqual({ editable: true, canSend: true });
  });

  it.each(['waiting', 'wrap-up'] as const)(
    'lets the agent send in %s too (the server allows it)',
    (state) => {
      expect(composerState({ ...base, state }).canSend).toBe(true);
    },
  );

  it('is disabled with the reason for an opted-out customer', () => {
    const state = composerState({ ...base, optedOut: true });
    expect(state).toMatchObject({ editable: false, canSend: false });
    expect(state.reason).toMatch(/opted out/);
  });

  it('is disabled with the reason for a closed conversation', () => {
    const state = composerState({ ...base, state: 'closed' });
    expect(state).toMatchObject({ editable: false, canSend: false, reason: 'This conversation is closed.' });
  });

  it('says an opted-out customer before a closed conversation: the opt-out outlives the conversation', () => {
    expect(composerState({ ...base, state: 'closed', optedOut: true }).reason).toMatch(/opted out/);
  });

  it('is read only for a conversation that is not the agent’s', () => {
    expect(composerState({ ...base, readOnly: true })).toMatchObject({ editable: false, canSend: false });
    expect(composerState({ ...base, readOnly: true }).reason).toMatch(/Read only/);
  });

  it('asks to pick a conversation still waiting in the queue', () => {
    expect(composerState({ ...base, state: 'open' }).reason).toMatch(/pick it/);
  });

  it('does not send an empty or blank text, but the box stays editable', () => {
    expect(composerState({ ...base, text: '  \n' })).toEqual({
      editable: true,
      canSend: false,
      reason: 'Write a message.',
    });
  });

  it('does not send past 1600 characters, saying how many there are', () => {
    expect(composerState({ ...base, text: 'a'.repeat(1601) })).toEqual({
      editable: true,
      canSend: false,
      reason: 'Too long: 1601 characters; the limit is 1600.',
    });
  });

  it('does not send twice while a send is in flight', () => {
    expect(composerState({ ...base, sending: true })).toMatchObject({ canSend: false, reason: 'Sending…' });
  });
});
