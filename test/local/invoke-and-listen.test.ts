import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalHost } from '../../local/host.js';
import { loadConfig } from '../../shared/config.js';
import { startTestHost, type TestHost } from '../support/host.js';

describe("the local host's POST /admin/functions/{name}", () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  const invoke = (name: string) => fetch(`${t?.host.url}/admin/functions/${name}`, { method: 'POST' });

  it('runs a timer and answers 202', async () => {
    t = await startTestHost();
    expect((await invoke('autoCloseTimer')).status).toBe(202);
  });

  it('answers 404 only for a name that is no timer: unknown, or an HTTP function', async () => {
    t = await startTestHost();
    const unknown = await invoke('noSuchTimer');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/noSuchTimer/);
    expect((await invoke('health')).status).toBe(404);
  });

  it('answers 500, naming the timer, when the timer itself fails', async () => {
    t = await startTestHost();
    // Break the store under the queue thread: the events publisher's read of the outbox fails.
    const db = new Database(join(t.dataDir, 'sms.db'));
    db.exec('DROP TABLE outbox');
    db.close();
    const failed = await invoke('eventsPublisher');
    expect(failed.status).toBe(500);
    const body = (await failed.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('function-failed');
    expect(body.error.message).toMatch(/^eventsPublisher failed/);
  });
});

describe('a local host whose port is taken', () => {
  let blocker: Server | undefined;
  afterEach(() => {
    blocker?.close();
    blocker = undefined;
  });

  it('refuses to start and releases the data directory, so the next start on it succeeds', async () => {
    const server = createServer();
    blocker = server;
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'sms-port-taken-'));
    const config = (localPort: string) =>
      loadConfig({ SMS_DATA_DIR: dataDir, SMS_LOCAL_PORT: localPort, SMS_CLOCK: 'manual' });
    await expect(startLocalHost({ config: config(String(port)), logSink: () => {} })).rejects.toThrow(
      /EADDRINUSE/,
    );
    // Were the lock still held, this start would be refused as a second host on the same directory.
    const again = await startLocalHost({ config: config('0'), logSink: () => {} });
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
