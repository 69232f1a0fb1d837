import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../../local/host.js';
import { loadConfig } from '../../shared/config.js';
import { adminCall } from '../support/admin-call.js';
import { eventually } from '../support/eventually.js';

/**
 * A sync of the WAL the spec holds until it lets it go: the HTTP thread commits its writes without
 * a sync of its own, and must not answer before one has covered them.
 */
function heldSyncs() {
  const held: (() => void)[] = [];
  let holding = false;
  return {
    held,
    hold: () => {
      holding = true;
    },
    sync: () => (holding ? new Promise<void>((resolve) => held.push(resolve)) : Promise.resolve()),
  };
}

describe("the local host's answers and the disk", () => {
  let host: LocalHost | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await host?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    host = undefined;
  });

  async function start(syncs: ReturnType<typeof heldSyncs>) {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-on-disk-'));
    const config = loadConfig({ SMS_DATA_DIR: dataDir, SMS_LOCAL_PORT: '0', SMS_CLOCK: 'manual' });
    host = await startLocalHost({ config, logSink: () => {}, syncWal: syncs.sync });
    return adminCall(host.url);
  }

  it('answers a request that wrote on the HTTP thread only once a sync of the WAL has ended', async () => {
    const syncs = heldSyncs();
    const call = await start(syncs);
    syncs.hold();

    let answered = false;
    const created = call('POST', 'quick-replies', {
      scope: 'organization',
      name: 'Greeting',
      texts: 'Hello, how can we help?',
    }).then((response) => {
      answered = true;
      return response;
    });
    await eventually(async () => syncs.held.length === 1 || undefined, 'the write waits for a sync');
    // Given the event loop's turns for an answer that did not wait.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);

    syncs.held[0]?.();

    expect((await created).status).toBe(201);
    const listed = (await (await call('GET', 'quick-replies')).json()) as { organization: unknown[] };
    expect(listed.organization).toHaveLength(1);
  });

  it('answers a request that wrote nothing without waiting for any sync', async () => {
    const syncs = heldSyncs();
    const call = await start(syncs);
    syncs.hold();

    const read = await call('GET', 'quick-replies');

    expect(read.status).toBe(200);
    expect(syncs.held).toHaveLength(0);
  });
});
