import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestHost } from '../support/host.js';

const HOST = new URL('../../dist/local/host.js', import.meta.url).pathname;
const CONFIG = new URL('../../dist/shared/config.js', import.meta.url).pathname;

/** A seed the app cannot start with: a Twilio channel and no Twilio settings. */
const twilioSeed = {
  channels: [
    {
      id: 'support',
      name: 'Support',
      numbers: ['+14255550100'],
      provider: 'twilio',
      defaultQueueId: 'general',
    },
  ],
  queues: [{ id: 'general', name: 'General' }],
};

describe('a local host that cannot start', () => {
  it('says which setting is missing', async () => {
    await expect(startTestHost({}, twilioSeed)).rejects.toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('leaves nothing running: a process whose start failed ends by itself', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sms-failed-start-'));
    writeFileSync(join(dataDir, 'seed.json'), JSON.stringify(twilioSeed));
    // No process.exit: the process ends only if the failed start stopped its queue thread.
    const script = `
const { startLocalHost } = await import(${JSON.stringify(HOST)});
const { loadConfig } = await import(${JSON.stringify(CONFIG)});
const config = loadConfig({ SMS_DATA_DIR: ${JSON.stringify(dataDir)}, SMS_SEED_FILE: ${JSON.stringify(join(dataDir, 'seed.json'))}, SMS_LOCAL_PORT: '0' });
await startLocalHost({ config, logSink: () => {} }).catch((error) => console.log('refused:', error.message));`;
    // A file, not `-e`: the queue thread would inherit `--input-type`, which workers refuse.
    const scriptFile = join(dataDir, 'start.mjs');
    writeFileSync(scriptFile, script);
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [scriptFile], { timeout: 20_000 });
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += chunk;
      });
      child.on('exit', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    expect(stdout).toMatch(/refused: .*TWILIO_ACCOUNT_SID/);
    expect(code).toBe(0);
  });
});
