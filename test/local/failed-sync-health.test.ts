import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalHost, type LocalHostOptions, startLocalHost } from '../../local/host.js';
import { loadConfig } from '../../shared/config.js';
import { adminCall } from '../support/admin-call.js';

/** The shipped seed's support line. */
const SUPPORT = '+14255550100';

describe("the local host's health once a sync of the WAL has failed", () => {
  let host: LocalHost | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await host?.close().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    host = undefined;
  });

  async function start(options: Omit<LocalHostOptions, 'config'>) {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-failed-sync-'));
    const config = loadConfig({ SMS_DATA_DIR: dataDir, SMS_LOCAL_PORT: '0', SMS_CLOCK: 'manual' });
    const started = await startLocalHost({ config, logSink: () => {}, ...options });
    host = started;
    const call = adminCall(started.url);
    const text = (id: string) =>
      call('POST', 'local/inbound', { from: '+14255550123', to: SUPPORT, text: 'Hello', messageId: id });
    return { call, text };
  }

  it("answers 503, naming the queue thread, once the queue thread's sync of accepted work failed", async () => {
    const { call, text } = await start({ queueThreadSyncsFail: true });
    expect((await call('GET', 'health')).status).toBe(200);

    expect((await text('m1')).status).toBe(500);

    const health = await call('GET', 'health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'disk-failed',
      problems: [expect.stringMatching(/^queue thread: .*EIO.*until the host restarts$/)],
    });
    expect((await text('m2')).status).toBe(500);
  });

  it("answers 503, naming the HTTP thread, once the HTTP thread's sync of its writes failed", async () => {
    let failing = false;
    const { call } = await start({
      syncWal: () => (failing ? Promise.reject(new Error('EIO: i/o error, fsync')) : Promise.resolve()),
    });
    failing = true;

    const written = await call('POST', 'quick-replies', {
      scope: 'organization',
      name: 'Greeting',
      texts: 'Hello, how can we help?',
    });
    expect(written.status).toBe(500);

    const health = await call('GET', 'health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'disk-failed',
      problems: [expect.stringMatching(/^HTTP thread: .*EIO.*until the host restarts$/)],
    });
  });
});
