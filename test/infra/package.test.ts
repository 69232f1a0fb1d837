import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Registered, register, startAzureStandIns } from '../support/functions-host.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What `infra/package.sh` builds is what Azure runs: the compiled code with production
 * dependencies only (npm install from the registry, about ten seconds) and no native SQLite build.
 * Unpacked, it must start on the Azure adapters and register the same functions as the project.
 */
describe('the deployment package (infra/package.sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-package-'));
  const app = join(dir, 'app');
  let standIns: Awaited<ReturnType<typeof startAzureStandIns>>;
  let packaged: Registered[];
  let project: Registered[];

  beforeAll(async () => {
    // The tests' global set-up has built dist/ already.
    execFileSync('bash', [join(root, 'infra/package.sh'), '--skip-build', join(dir, 'app.zip')], {
      stdio: 'pipe',
    });
    execFileSync('unzip', ['-q', join(dir, 'app.zip'), '-d', app]);
    standIns = await startAzureStandIns();
    packaged = await register(standIns.env, app);
    project = await register(standIns.env);
  }, 180_000);
  afterAll(async () => {
    await standIns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the code, host.json and the production dependencies, without the development ones', () => {
    for (const path of ['dist/functions/index.js', 'host.json', 'package.json', 'node_modules/@azure/cosmos'])
      expect(existsSync(join(app, path)), path).toBe(true);
    for (const path of ['node_modules/vitest', 'node_modules/typescript', 'node_modules/@biomejs', 'test'])
      expect(existsSync(join(app, path)), path).toBe(false);
  });

  it('carries no native SQLite build, which only the embedded default would load', () => {
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build'))).toBe(false);
  });

  it('starts on Cosmos DB and Service Bus and registers every function the project does, with the same bindings', () => {
    expect(packaged.length).toBeGreaterThanOrEqual(25);
    expect(packaged).toEqual(project);
  });
});
