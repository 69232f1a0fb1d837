import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { ConfigurationError } from '../shared/errors.js';

describe('configuration loader', () => {
  it('runs on defaults with an empty environment: the embedded default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: '.data',
      seedFile: 'config/seed.json',
      clock: 'system',
      local: { port: 7071, consumers: true, concurrency: 4 },
      queue: { lockMs: 30_000, maxDeliveryCount: 10, duplicateWindowMs: 600_000 },
      autoClose: { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 },
    });
  });

  it('reads the settings it knows and ignores the rest of the environment', () => {
    const config = loadConfig({ SMS_LOCAL_PORT: '7100', SMS_LOCAL_CONSUMERS: 'off', PATH: '/usr/bin' });
    expect(config.local).toMatchObject({ port: 7100, consumers: false });
  });

  it.each([
    [{ SMS_LOCAL_PORT: 'seventy' }, 'SMS_LOCAL_PORT'],
    [{ SMS_CLOCK: 'sundial' }, 'SMS_CLOCK'],
    [{ SMS_QUEUE_LOCK_SECONDS: '1' }, 'SMS_QUEUE_LOCK_SECONDS'],
    [{ SMS_AUTO_CLOSE_DEFAULT_MINUTES: '2' }, 'SMS_AUTO_CLOSE_DEFAULT_MINUTES'],
  ])('stops on a bad setting and names it: %o', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
