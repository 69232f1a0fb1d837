import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Compiles the project once before the tests, because the crash-recovery tests start the local
 * host as a real child process (`node dist/local/main.js`), exactly as `npm start` does.
 */
export default function setup() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
