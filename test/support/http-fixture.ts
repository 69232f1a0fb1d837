import { readFileSync } from 'node:fs';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Reads a captured HTTP request (`*.http.txt`): request line, headers, blank line, exact body bytes. */
export function readHttpFixture(relative: string): RawRequest {
  const text = readFileSync(new URL(`../fixtures/${relative}`, import.meta.url), 'utf8');
  const split = text.indexOf('\n\n');
  const head = text.slice(0, split).split('\n');
  // Some captures go on with the expected answer after a `---` line: the request ends there.
  const rest = text.slice(split + 2);
  const end = rest.search(/\n+---/);
  const body = (end === -1 ? rest : rest.slice(0, end)).replace(/\n$/, '');
  const [method = '', path = ''] = (head[0] ?? '').split(' ');
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method, path, headers, body };
}
