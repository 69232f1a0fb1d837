import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpServer } from '@vercel/cosmosdb-server';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import { type InvocationAnswer, type Registered, register, startWorker } from '../support/functions-host.js';
import { readHttpFixture } from '../support/http-fixture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What `infra/package.sh` builds is what Azure runs: the entry point and what it imports, bundled
 * (one entry file and the chunks it loads on first use), with no node_modules. Unpacked, it must start on the Azure adapters, register
 * the same functions as the project, and take the same webhook through to Service Bus.
 */
describe('the deployment package (infra/package.sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-package-'));
  const app = join(dir, 'app');
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  let env: Record<string, string>;
  let packaged: Registered[];
  let project: Registered[];

  beforeAll(async () => {
    // The tests' global set-up has built dist/ already; the script bundles from the sources.
    // sh, not bash: the script is POSIX (Debian's sh is dash).
    execFileSync('sh', [join(root, 'infra/package.sh'), '--skip-build', join(dir, 'app.zip')], {
      stdio: 'pipe',
    });
    execFileSync('unzip', ['-q', join(dir, 'app.zip'), '-d', app]);
    await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
    const { port } = cosmos.address() as AddressInfo;
    const { connectionString } = await broker.start();
    const seedFile = join(dir, 'seed.json');
    writeFileSync(
      seedFile,
      JSON.stringify({
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: ['+12065550100'],
            provider: 'twilio',
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    env = {
      COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('k').toString('base64')};`,
      ServiceBusConnection: connectionString,
      SMS_SEED_FILE: seedFile,
      SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
      TWILIO_ACCOUNT_SID: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      TWILIO_AUTH_TOKEN: '12345abcde67890fghij12345abcde67',
    };
    packaged = await register(env, app);
    project = await register(env);
  }, 240_000);
  afterAll(async () => {
    await broker.stop();
    await new Promise<void>((resolve) => cosmos.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships the bundled entry point with its lazily loaded chunks, host.json and package.json: no node_modules, no source, nothing of the local host', () => {
    const expected = ['dist', 'host.json', 'package.json'];
    expect(readdirSync(app).sort()).toEqual(expected);
    const shipped = readdirSync(join(app, 'dist')).sort();
    // The built workspace pages go along when the build made them; their sources never do.
    expect(shipped).toEqual(existsSync(join(root, 'dist/web')) ? ['functions', 'web'] : ['functions']);
    expect(readdirSync(join(app, 'dist/functions')).sort()).toEqual(['chunks', 'index.js']);
    // The modules loaded on first use, each a file of its own; nothing else goes in the folder.
    const chunks = readdirSync(join(app, 'dist/functions/chunks'));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.filter((name) => !name.endsWith('.js'))).toEqual([]);
  });

  it("names the bundle as the package's entry point and depends on nothing", () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ type: 'module', main: 'dist/functions/index.js' });
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
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

  it('starts on Cosmos DB and Service Bus and registers every function the project does, with the same bindings', () => {
    expect(packaged.length).toBeGreaterThanOrEqual(25);
    expect(packaged).toEqual(project);
  });

  it('says, without Cosmos DB and Service Bus settings, that the embedded default is not in it', async () => {
    await expect(register({}, app)).rejects.toThrow(
      /embedded default \(SQLite\) is not part of the deployment package/,
    );
  });

  it.each([
    ['the project', root],
    ['the package', app],
  ])(
    '%s answers health and puts a signed Twilio message on the inbound queue',
    async (_, appRoot) => {
      const worker = await startWorker(env, appRoot);
      try {
        const status = (answer: InvocationAnswer) => ('status' in answer ? answer.status : answer);
        const health = () =>
          worker.invoke({ name: 'health', http: { method: 'GET', url: 'http://localhost:7071/api/health' } });
        let answer = await health();
        for (let i = 0; i < 60 && status(answer) === 503; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          answer = await health();
        }
        expect(answer).toMatchObject({ status: 200, body: { status: 'ok', mode: 'azure' } });

        const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
        // Each run its own message, signed as Twilio would: the queue drops a repeated message id.
        const params = Object.fromEntries(new URLSearchParams(request.body));
        params.MessageSid =
          params.SmsSid =
          params.SmsMessageSid =
            `SM${appRoot === app ? 'package' : 'project'}`;
        const signature = twilio.getExpectedTwilioSignature(
          env.TWILIO_AUTH_TOKEN ?? '',
          `${env.SMS_PUBLIC_BASE_URL}${request.path}`,
          params,
        );
        const post = (body: string) =>
          worker.invoke({
            name: 'twilioInbound',
            http: {
              method: 'POST',
              url: `http://localhost:7071${request.path}`,
              headers: { ...request.headers, 'x-twilio-signature': signature },
              body,
            },
          });
        const before = broker.depth(queueNames.inbound);
        const forged = await post(new URLSearchParams({ ...params, Body: 'forged' }).toString());
        expect(status(forged)).toBe(403);
        expect(broker.depth(queueNames.inbound)).toBe(before);
        const signed = await post(new URLSearchParams(params).toString());
        expect(signed).toMatchObject({ status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
        expect(broker.depth(queueNames.inbound)).toBe(before + 1);
      } finally {
        await worker.stop();
      }
    },
    60_000,
  );
});
