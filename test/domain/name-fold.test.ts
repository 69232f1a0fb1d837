import { describe, expect, it } from 'vitest';
import { foldName } from '../../shared/domain/name-fold.js';

describe('a name as searches compare it', () => {
  it('ignores case and accents', () => {
    expect(foldName('José Álvarez')).toBe('jose alvarez');
    expect(foldName('FRANÇOISE')).toBe('francoise');
  });

  it('counts a run of spaces, tabs or line breaks as one space, and drops them at the ends', () => {
    expect(foldName('  José \t Álvarez\n')).toBe('jose alvarez');
  });

  it('so "jose a" finds "José  Álvarez" by prefix', () => {
    expect(foldName('José  Álvarez').startsWith(foldName('jose a'))).toBe(true);
  });
});
