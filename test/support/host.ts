import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalHost, startLocalHost } from '../../local/host.js';
import { loadConfig } from '../../shared/config.js';
import { eventually as waitFor } from './eventually.js';

export interface TestHost {
  host: LocalHost;
  logs: string[];
  /**
   * Calls the API signed in (the development sign-in, or the function key where the host checks
   * keys) as an admin unless `as` names someone else (`as: null`: not signed in at all).
   */
  api(
    method: string,
    path: string,
    body?: unknown,
    as?: { user: string; roles?: string } | null,
    // biome-ignore lint/suspicious/noExplicitAny: a JSON answer; the assertions that read it check its shape.
  ): Promise<{ status: number; body: any; text: string }>;
  /** Polls until `check` returns a value (queue consumers run in the background). */
  eventually<T>(check: () => Promise<T | undefined | false>, what: string): Promise<T>;
  /** Waits until every queue is empty and nothing is in flight. */
  settle(): Promise<void>;
  /** The host's data directory (its SQLite files), removed by `stop`. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the local host in process on a free port, over a fresh data directory, with the shipped
 * seed or the one given (written into that directory).
 */
export async function startTestHost(env: Record<string, string> = {}, seed?: unknown): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-host-'));
  if (seed !== undefined) {
    writeFileSync(join(dataDir, 'seed.json'), JSON.stringify(seed));
    env = { SMS_SEED_FILE: join(dataDir, 'seed.json'), ...env };
  }
  const logs: string[] = [];
  const config = loadConfig({
    SMS_DATA_DIR: dataDir,
    SMS_LOCAL_PORT: '0',
    SMS_CLOCK: 'manual',
    // Pacing runs on real time and has its own tests; here it would only slow the suite down.
    SMS_SEND_RATE_LONG_CODE: '1000',
    SMS_SEND_RATE_TOLL_FREE: '1000',
    ...env,
  });
  const host = await startLocalHost({ config, logSink: (line) => logs.push(line) });

  const api: TestHost['api'] = async (method, path, body, as = { user: 'admin', roles: 'admin' }) => {
    // Signed in: the development sign-in, and the function key for a host that checks keys
    // (SMS_DEV_SIGN_IN=off), as an integration would send it.
    const signIn =
      as === null
        ? {}
        : {
            'x-sms-user': as.user,
            ...(as.roles ? { 'x-sms-roles': as.roles } : {}),
            ...(config.identity === 'function-keys' ? { 'x-functions-key': host.keys.function } : {}),
          };
    const response = await fetch(`${host.url}/api/${path}`, {
      method,
      headers: { ...signIn, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  };

  const eventually: TestHost['eventually'] = waitFor;

  const settle = async () => {
    await eventually(async () => {
      const { body } = await api('GET', 'health');
      const depths = Object.values(body.queues as Record<string, number>);
      return depths.every((depth) => depth === 0);
    }, 'the queues to drain');
  };

  return {
    host,
    logs,
    api,
    eventually,
    settle,
    dataDir,
    stop: async () => {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
