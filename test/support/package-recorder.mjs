/*
 * Preloaded (`node --import`) to record which packages a process loads: every module the ESM
 * loader resolves (through a resolve hook, which runs on the loader's thread and posts each URL
 * back) and every CommonJS module in require's cache. `globalThis.__loadedPackages()` names them.
 */
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const PACKAGE = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;
const resolved = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => resolved.add(url));
port1.unref();
register('./package-recorder-hooks.mjs', {
  parentURL: import.meta.url,
  data: { port: port2 },
  transferList: [port2],
});

const require = createRequire(import.meta.url);
globalThis.__loadedPackages = () => {
  const names = new Set();
  for (const file of [...resolved, ...Object.keys(require.cache)]) {
    // The package nearest the file: a dependency's own dependencies count as theirs.
    const parts = file.split('/node_modules/');
    const match = PACKAGE.exec(`/node_modules/${parts.at(-1)}`);
    if (parts.length > 1 && match) names.add(match[1]);
  }
  return [...names].sort();
};
