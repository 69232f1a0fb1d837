import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createApp } from '../shared/app.js';
import { loadConfig } from '../shared/config.js';

const seedFile = fileURLToPath(new URL('../config/seed.json', import.meta.url));

describe('importing the seed on a first start', () => {
  it('imports it again after a start that died half-way, so no agent is left out', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sms-seed-'));
    const config = loadConfig({ SMS_DATA_DIR: dataDir, SMS_SEED_FILE: seedFile, SMS_LOG_LEVEL: 'error' });
    const quiet = { logSink: () => {} };
    const open = (importSeed: boolean) => createApp(config, { ...quiet, importSeed });
    await (await open(false)).close();

    // The first start dies while writing the seed's second agent.
    const db = new Database(join(dataDir, 'sms.db'));
    db.exec(`CREATE TRIGGER die_at_bob BEFORE INSERT ON agents WHEN NEW.id = 'bob'
             BEGIN SELECT RAISE(ABORT, 'the process died here'); END`);
    await expect(open(true)).rejects.toThrow(/the process died here/);
    db.exec('DROP TRIGGER die_at_bob');
    db.close();

    const app = await open(true);
    try {
      const agents = (await app.deps.store.listAgents()).map((a) => a.value.id).sort();
      expect(agents).toEqual(['alice', 'bob']);
      expect((await app.deps.store.getConfiguration())?.value.channels.map((c) => c.id)).toEqual([
        'support',
        'alerts',
      ]);
    } finally {
      await app.close();
    }
  });
});
