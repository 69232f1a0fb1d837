import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { firstLoadBytes } from './first-load.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));
/** The budget for the agent page's first load. */
const GOAL_KB = 400;

/** Prints what the agent page (the entry; the other pages load on demand) costs on first load. */
function firstLoadReport(): Plugin {
  return {
    name: 'first-load-report',
    apply: 'build',
    closeBundle() {
      const { bytes, files } = firstLoadBytes(outDir);
      const kb = (bytes / 1024).toFixed(1);
      const verdict = bytes / 1024 < GOAL_KB ? 'within' : 'OVER';
      console.log(
        `agent page first load: ${kb} KB gzipped JavaScript and CSS (${files.length} files; goal < ${GOAL_KB} KB: ${verdict})`,
      );
    },
  };
}

export default defineConfig({
  root,
  // Served at /api/console/ on any host: relative asset URLs work wherever the folder is mounted.
  base: './',
  plugins: [react(), firstLoadReport()],
  build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  logLevel: 'warn',
});
