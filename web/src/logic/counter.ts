import { countSegments, MAX_MESSAGE_LENGTH, type SmsEncoding } from '../../../shared/domain/segments.js';

/** The most characters one message may hold: the server's own limit. */
export const MAX_CHARACTERS = MAX_MESSAGE_LENGTH;

export interface Counter {
  /** Characters as the limit counts them: Unicode code points. */
  characters: number;
  max: number;
  over: boolean;
  segments: number;
  encoding: SmsEncoding;
  /** The first character that is not GSM-7 (the reason the message is UCS-2), and where it is. */
  ucs2Because?: { character: string; position: number };
}

/**
 * The composer's live counter. Segments come from the same function the server bills with
 * (shared/domain/segments.ts), so the page and the carrier agree.
 */
export function countMessage(text: string): Counter {
  const characters = Array.from(text);
  const { encoding, segments } = countSegments(text);
  const counter: Counter = {
    characters: characters.length,
    max: MAX_CHARACTERS,
    over: characters.length > MAX_CHARACTERS,
    segments: text.length === 0 ? 0 : segments,
    encoding,
  };
  if (encoding === 'UCS-2') {
    const position = characters.findIndex((character) => countSegments(character).encoding === 'UCS-2');
    const character = characters[position];
    if (character !== undefined) counter.ucs2Because = { character, position: position + 1 };
  }
  return counter;
}

/**
 * A character named so a person can see it: itself and its code point, or the code point alone
 * when it is invisible (a non-breaking or zero-width space looks like nothing, or like a space).
 */
export function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const invisible = /\s/u.test(character) || code < 0x20 || (code >= 0x200b && code <= 0x200f);
  return invisible ? hex : `${character} (${hex})`;
}

export function counterText(counter: Counter): string {
  const segments = `${counter.segments} segment${counter.segments === 1 ? '' : 's'}`;
  return `${counter.characters}/${counter.max} characters · ${segments} · ${counter.encoding}`;
}
