import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/local/main.js', import.meta.url).pathname;
const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built local host as `npm start` does, as a real child process. */
async function startHost(dataDir: string, consumers: 'on' | 'off'): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, SMS_DATA_DIR: dataDir, SMS_LOCAL_PORT: '0', SMS_LOCAL_CONSUMERS: consumers },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 20_000);
    const look = () => {
      const match = /embedded default at (http:\/\/localhost:\d+)\/api/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

async function text(url: string, body: string, messageId: string) {
  const response = await fetch(`${url}/api/local/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: CUSTOMER, to: SUPPORT, text: body, messageId }),
  });
  expect(response.status).toBe(202);
}

/** A supervisor's view, through the development sign-in. */
const supervisor = { headers: { 'x-sms-user': 'dana', 'x-sms-roles': 'supervisor' } };

async function queuedTexts(url: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const queue = (await (await fetch(`${url}/api/queues/general/conversations`, supervisor)).json()) as {
      conversations: { id: string }[];
    };
    const [first] = queue.conversations;
    if (first) {
      const detail = (await (await fetch(`${url}/api/conversations/${first.id}`, supervisor)).json()) as {
        messages: { text: string }[];
      };
      if (detail.messages.length >= count) {
        expect(queue.conversations).toHaveLength(1);
        return detail.messages.map((m) => m.text);
      }
    }
    if (Date.now() > deadline) throw new Error('the accepted messages never reached a conversation');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the local host as a real process', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-crash-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing when killed between accepting a message and storing it', async () => {
    const dir = dataDir();
    const first = await startHost(dir, 'off');
    children.push(first.child);
    await text(first.url, 'accepted before the crash', 'crash-1');
    await text(first.url, 'and a second one', 'crash-2');
    first.child.kill('SIGKILL');
    expect((await exited(first.child)).signal).toBe('SIGKILL');

    const second = await startHost(dir, 'on');
    children.push(second.child);
    expect(await queuedTexts(second.url, 2)).toEqual(['accepted before the crash', 'and a second one']);
  });

  it('stops cleanly on Ctrl-C and keeps queued work for the next start', async () => {
    const dir = dataDir();
    const first = await startHost(dir, 'off');
    children.push(first.child);
    for (const n of [1, 2, 3]) await text(first.url, `queued ${n}`, `stop-${n}`);
    first.child.kill('SIGINT');
    expect(await exited(first.child)).toEqual({ code: 0, signal: null });

    const second = await startHost(dir, 'on');
    children.push(second.child);
    expect(await queuedTexts(second.url, 3)).toEqual(['queued 1', 'queued 2', 'queued 3']);
  });

  it('refuses to start a second host on the same data directory, saying why', async () => {
    const dir = dataDir();
    const first = await startHost(dir, 'off');
    children.push(first.child);
    await expect(startHost(dir, 'off')).rejects.toThrow(/another local host \(pid \d+\) is using/);
  });
});
