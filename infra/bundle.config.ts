import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The deployment's code: the Functions entry point and everything it imports, tree-shaken, in
 * `dist/bundle/functions/index.js` (infra/package.sh ships it as `dist/functions/index.js`, the
 * package's "main", so the workspace pages stay at `../web/`), and beside it `chunks/`: each
 * module the entry point imports only on first use (a provider's SDK, Cosmos DB, Service Bus,
 * management clients) is a file of its own, read only by an instance that uses it. Built by
 * Vite's own bundler (Rolldown), already a development dependency for the pages.
 *
 * One file held the same code with the lazy modules wrapped in functions, but Node still read and
 * parsed all 7.7 MB at start: importing it took 540 ms against the peer's 205 ms (2.65x, issue 15
 * goal 1: within 2x); split, the entry is 0.7 MB and imports in 205 ms against the peer's 230
 * (`node dist/bench/functions-app.js`, 2 December 2026).
 * Left out: `@azure/functions-core`, which the Functions host's worker provides. better-sqlite3 is
 * a native module only the embedded default loads, and the package never carried its build: in
 * the bundle it is a stand-in that says so, since an external import would be hoisted to the top
 * of the one file and loaded on Azure too.
 */
function withoutSqlite(): Plugin {
  const id = '\0better-sqlite3-not-deployed';
  return {
    name: 'without-sqlite',
    enforce: 'pre',
    resolveId: (source) => (source === 'better-sqlite3' ? id : null),
    load: (loaded) =>
      loaded === id
        ? `export default class Database {
  constructor() {
    throw new Error('the embedded default (SQLite) is not part of the deployment package: set the Cosmos DB and Service Bus settings');
  }
}`
        : null,
  };
}

export default defineConfig({
  plugins: [withoutSqlite()],
  root: fileURLToPath(new URL('..', import.meta.url)),
  logLevel: 'warn',
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: 'functions/index.ts',
    outDir: 'dist/bundle/functions',
    emptyOutDir: true,
    target: 'node20',
    minify: true,
    sourcemap: false,
    copyPublicDir: false,
    rollupOptions: {
      external: ['@azure/functions-core'],
      output: { format: 'es', entryFileNames: 'index.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
