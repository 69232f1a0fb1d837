import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
    // sh, not bash: the script is POSIX (Debian's sh is dash).
    execFileSync('sh', [join(root, 'infra/package.sh'), '--skip-build', join(dir, 'app.zip')], {
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

  it('ships only what the Functions host loads: no local host, stand-ins, benchmarks, tools, tests or sources', () => {
    expect(readdirSync(app).sort()).toEqual([
      'dist',
      'host.json',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    const shipped = readdirSync(join(app, 'dist')).sort();
    expect(shipped).toEqual(expect.arrayContaining(['functions', 'infra', 'shared']));
    expect(shipped.filter((part) => !['functions', 'infra', 'shared', 'web'].includes(part))).toEqual([]);
    // The built workspace pages go along when the build made them; their sources never do.
    expect(existsSync(join(app, 'dist/web'))).toBe(existsSync(join(root, 'dist/web')));
    for (const path of ['web', 'local', 'stand-ins', 'bench', 'functions', 'shared', 'tsconfig.json'])
      expect(existsSync(join(app, path)), path).toBe(false);
  });

  it('is built by a POSIX shell script (no bash-only syntax)', () => {
    const script = readFileSync(join(root, 'infra/package.sh'), 'utf8');
    expect(script.split('\n')[0]).toBe('#!/bin/sh');
    const code = script
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    for (const bashism of [
      /pipefail/,
      /\[\[/,
      /realpath/,
      /^\s*function /m,
      /\$\(</,
      /<<</,
      /^\s*local /m,
      /\$\{\w+\/\//,
    ])
      expect(code).not.toMatch(bashism);
  });

  it('carries no native SQLite build, which only the embedded default would load', () => {
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build'))).toBe(false);
  });

  it('starts on Cosmos DB and Service Bus and registers every function the project does, with the same bindings', () => {
    expect(packaged.length).toBeGreaterThanOrEqual(25);
    expect(packaged).toEqual(project);
  });
});
