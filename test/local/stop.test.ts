import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/local/main.js', import.meta.url).pathname;

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built local host as `npm start` does, as a real child process. */
async function startHost(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, SMS_DATA_DIR: dataDir, SMS_LOCAL_PORT: '0', ...env },
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
      // The whole banner: it ends with how to stop the host.
      const match = /embedded default at (http:\/\/localhost:\d+)\/api[\s\S]*Ctrl-C stops it/.exec(output);
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

/** The banner's presence command (`curl -X PUT .../presence -H ... -d ...`), run as printed. */
async function runPresenceCommand(banner: string): Promise<number> {
  const command = /curl -X PUT (\S+) ([^\n]*)\\\n\s*([^\n]*)/.exec(banner);
  if (!command?.[1]) throw new Error(`no presence command in the banner:\n${banner}`);
  const rest = `${command[2]} ${command[3]}`;
  const headers = Object.fromEntries(
    [...rest.matchAll(/-H '([^:']+): ([^']*)'/g)].map((m) => [m[1] as string, m[2] as string]),
  );
  const body = /-d '([^']*)'/.exec(rest)?.[1];
  const response = await fetch(command[1], { method: 'PUT', headers, ...(body ? { body } : {}) });
  return response.status;
}

/** A raw connection, and everything it receives until the host closes it. */
function open(port: number): Promise<{ socket: Socket; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const ended = new Promise<string>((done) => {
      socket.on('data', (chunk) => {
        received += chunk;
      });
      socket.on('close', () => done(received));
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({ socket, ended });
    });
    socket.once('error', reject);
  });
}

describe('the local host as a real process, stopping and starting', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-stop-'));
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

  it.each([
    ['the development sign-in', {}],
    ['function keys of a supervisor', { SMS_DEV_SIGN_IN: 'off', SMS_FUNCTION_KEY_ROLES: 'supervisor' }],
  ])('prints a presence command that works as printed, with %s', async (_name, env) => {
    const host = await startHost(dataDir(), { SMS_LOCAL_CONSUMERS: 'off', ...env });
    children.push(host.child);
    expect(await runPresenceCommand(host.output())).toBe(200);
  });

  it('prints no presence command when a key holder may not act for an agent', async () => {
    const host = await startHost(dataDir(), { SMS_LOCAL_CONSUMERS: 'off', SMS_DEV_SIGN_IN: 'off' });
    children.push(host.child);
    expect(host.output()).toContain('A key holder has the roles notifier');
    expect(host.output()).not.toContain('/presence');
  });

  it('stops on Ctrl-C while clients keep busy keep-alive connections, and frees its data directory', async () => {
    const dir = dataDir();
    const first = await startHost(dir, { SMS_LOCAL_CONSUMERS: 'off' });
    children.push(first.child);
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    let stopped = false;
    let answered = 0;
    const one = () =>
      new Promise<void>((resolve) => {
        const req = request(`${first.url}/api/health`, { agent }, (res) => {
          res.resume();
          res.on('end', () => {
            answered += 1;
            resolve();
          });
        });
        req.on('error', () => resolve());
        req.end();
      });
    // Six clients, each sending its next request as soon as the last is answered, until the host is gone.
    const clients = Array.from({ length: 6 }, async () => {
      while (!stopped) await one();
    });
    // And two that hold a connection open: one has sent nothing, one only half its request.
    const port = Number(new URL(first.url).port);
    const silent = await open(port);
    const halfSent = await open(port);
    halfSent.socket.write(
      'GET /api/health HTTP/1.1\r\nHost: localhost\r\nx-waiting: the rest of the headers never come\r\n',
    );
    while (answered < 60) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill('SIGINT');
    const { code } = await exited(first.child);
    stopped = true;
    await Promise.all(clients);
    agent.destroy();
    silent.socket.destroy();
    halfSent.socket.destroy();
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'host.pid'))).toBe(false);

    const second = await startHost(dir, { SMS_LOCAL_CONSUMERS: 'off' });
    children.push(second.child);
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200);
  });

  it('answers a request under way when Ctrl-C comes, with Connection: close, then exits', async () => {
    const first = await startHost(dataDir(), { SMS_LOCAL_CONSUMERS: 'off' });
    children.push(first.child);
    const port = Number(new URL(first.url).port);
    const body = JSON.stringify({ from: '+14255550123', to: '+14255550100', text: 'sent across the stop' });
    const client = await open(port);
    client.socket.write(
      `POST /api/local/inbound HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.child.kill('SIGINT');
    // The stop has begun once the port refuses new connections.
    for (;;) {
      const probe = await open(port).catch(() => undefined);
      if (!probe) break;
      probe.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    client.socket.write(body.slice(10));
    const answer = await client.ended;
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect((await exited(first.child)).code).toBe(0);
  });
});
