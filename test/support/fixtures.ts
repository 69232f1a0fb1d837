import { readFileSync } from 'node:fs';

/** A JSON fixture from test/fixtures (copied from the shared fixtures; never read from there). */
export function jsonFixture<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${relative}`, import.meta.url), 'utf8')) as T;
}
