/**
 * A name as searches compare it: case and accents ignored (NFD, combining marks dropped, lower
 * case), runs of spaces as one, so "jose a" finds "José  Álvarez" by prefix on every store.
 */
export function foldName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}
