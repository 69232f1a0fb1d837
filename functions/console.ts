import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../shared/app.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { httpFunction } from './http.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names built assets `<name>-<hash>.<ext>`: their content never changes under that name. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** Where `npm run build` writes the single-page app: dist/web, beside the compiled functions. */
export function defaultConsoleRoot(): string {
  const here = new URL(import.meta.url);
  return fileURLToPath(
    here.pathname.endsWith('.ts') ? new URL('../dist/web/', here) : new URL('../web/', here),
  );
}

/** The file a request path names inside the root; refuses any path that would leave it. */
export function consoleFile(root: string, path: string): string {
  const relative = path === '' || path.endsWith('/') ? `${path}index.html` : path;
  const segments = relative.split(/[/\\]/);
  if (segments.some((s) => s === '..' || s === '.' || s.includes('\0') || s.includes(':'))) {
    throw new ValidationError('the path leaves the console folder', [
      { path: 'path', message: 'not allowed' },
    ]);
  }
  const base = resolve(root);
  const file = resolve(base, ...segments);
  if (!file.startsWith(base + sep)) {
    throw new ValidationError('the path leaves the console folder', [
      { path: 'path', message: 'not allowed' },
    ]);
  }
  return file;
}

/**
 * The workspace's pages (the single-page app the build writes), served by the app itself so one
 * deployment carries them: `index.html` is never cached (a new build is seen at once), hashed
 * assets for a year. Anonymous at the function: the page signs in itself, and holds no secret.
 */
export function consoleFunction(app: App, options: { root?: string } = {}) {
  const root = options.root ?? defaultConsoleRoot();
  return httpFunction({
    name: 'console',
    route: 'console/{*path}',
    methods: ['GET', 'HEAD'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const path = request.params.path ?? '';
      const file = consoleFile(root, path);
      const found = await stat(file).catch(() => undefined);
      if (!found?.isFile()) {
        throw new NotFoundError(
          path === '' ? 'the console is not built here (npm run build writes dist/web)' : `no file ${path}`,
        );
      }
      const name = file.slice(file.lastIndexOf(sep) + 1);
      const cache =
        name === 'index.html'
          ? 'no-cache'
          : HASHED.test(name)
            ? 'public, max-age=31536000, immutable'
            : 'public, max-age=300';
      const headers = {
        'content-type': contentTypes[extname(name).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': cache,
        'x-content-type-options': 'nosniff',
      };
      if (request.method === 'HEAD') return { status: 200, headers };
      return { status: 200, headers, body: await readFile(file) };
    },
  });
}
