import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The house's layering, read from the source: which folder may import which, that the domain
 * imports no Azure, Twilio or SQLite package, and that no module imports one that imports it back
 * (however long the circle). A change that breaks a rule fails here, naming the import.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const layers = ['shared', 'functions', 'local'];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  /** A project file (relative to the root) or a package name. */
  to: string;
  typeOnly: boolean;
}

const IMPORT =
  /(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[3] ?? match[4] ?? '';
    const to = specifier.startsWith('.')
      ? relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier.startsWith('node:')
        ? specifier
        : specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/');
    return { from: file, to, typeOnly: Boolean(match[2]) };
  });
}

const files = layers.flatMap(sources);
const imports = files.flatMap(importsOf);
const folderOf = (file: string) =>
  file
    .split('/')
    .slice(0, file.startsWith('shared/') ? 2 : 1)
    .join('/');

describe('the layered house', () => {
  it('keeps the domain pure: it imports only the domain, zod, and date and phone libraries', () => {
    const allowed = new Set(['zod', 'luxon', 'libphonenumber-js', 'countries-and-timezones', 're2js']);
    const wrong = imports.filter(
      (i) =>
        i.from.startsWith('shared/domain/') &&
        !i.to.startsWith('shared/domain/') &&
        i.to !== 'shared/errors.ts' &&
        !i.to.startsWith('node:') &&
        !allowed.has(i.to),
    );
    expect(wrong.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('keeps use cases on the ports: never an adapter, a provider, or an Azure, Twilio or SQLite package', () => {
    const wrong = imports.filter(
      (i) =>
        i.from.startsWith('shared/use-cases/') &&
        (['shared/adapters', 'shared/providers'].includes(folderOf(i.to)) ||
          /^(@azure\/|twilio$|better-sqlite3$)/.test(i.to)),
    );
    expect(wrong.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('has no import running back up: providers never import adapters, shared never imports functions or local', () => {
    const wrong = imports.filter(
      (i) =>
        (i.from.startsWith('shared/providers/') && i.to.startsWith('shared/adapters/')) ||
        (i.from.startsWith('shared/') && (i.to.startsWith('functions/') || i.to.startsWith('local/'))) ||
        (i.from.startsWith('functions/') && i.to.startsWith('local/')),
    );
    expect(wrong.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('has no circle of imports between modules, type imports included', () => {
    const graph = new Map<string, string[]>();
    for (const i of imports) {
      if (files.includes(i.to)) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    }
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const walk = (file: string, path: string[]) => {
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'visiting')
          circles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) walk(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) walk(file, [file]);
    expect(circles).toEqual([]);
  });
});
