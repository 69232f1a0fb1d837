import { type ChildProcess, execFile, fork } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';

interface Binding {
  type: string;
  direction: string;
  [key: string]: unknown;
}
export interface Registered {
  name: string;
  bindings: Record<string, Binding>;
  retryOptions?: unknown;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Loads `functions/index.js` from `appRoot` (the project, or an unpacked deployment package) as the
 * Functions host's Node.js worker would (the package's "main"), with the worker's core module
 * replaced by a recorder, and returns the metadata every function registered.
 */
export function register(env: Record<string, string>, appRoot = root): Promise<Registered[]> {
  const script = `await import(${JSON.stringify(join(appRoot, 'dist/functions/index.js'))});
process.stdout.write(JSON.stringify(globalThis.__functionsHostRegistrations));
process.exit(0);`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--require', `${root}test/support/fake-functions-core.cjs`, '--input-type=module', '-e', script],
      {
        cwd: appRoot,
        env: { PATH: process.env.PATH ?? '', SMS_LOG_LEVEL: 'error', ...env },
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

/**
 * Cosmos DB (cosmosdb-server) and Service Bus (the project's broker) stand-ins, and the settings
 * that point the app at them: enough for the app to start on its Azure adapters.
 */
export async function startAzureStandIns() {
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
  const { port } = cosmos.address() as AddressInfo;
  const { connectionString } = await broker.start();
  return {
    env: {
      COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('k').toString('base64')};`,
      ServiceBusConnection: connectionString,
    },
    async stop() {
      await broker.stop();
      await new Promise<void>((resolve) => cosmos.close(() => resolve()));
    },
  };
}

export interface Invocation {
  name: string;
  http?: { method: string; url: string; headers?: Record<string, string>; body?: string };
  message?: unknown;
  timer?: true;
  /** Asks instead which packages the worker has loaded (with `recordPackages`). */
  loadedPackages?: true;
}
export type InvocationAnswer =
  | { status: number; headers: Record<string, string>; body: unknown }
  | { result: unknown }
  | { error: string };

/**
 * The app's entry point loaded as the Functions host's worker would (test/support/functions-worker.mjs),
 * kept running so its functions can be invoked: what registered, and an `invoke` for each trigger.
 */
export async function startWorker(
  env: Record<string, string>,
  appRoot = root,
  options: { recordPackages?: boolean } = {},
) {
  const child: ChildProcess = fork(
    join(root, 'test/support/functions-worker.mjs'),
    [appRoot, join(appRoot, 'dist/functions/index.js')],
    {
      cwd: appRoot,
      env: { PATH: process.env.PATH ?? '', SMS_LOG_LEVEL: 'error', ...env },
      execArgv: [
        '--require',
        join(root, 'test/support/fake-functions-core.cjs'),
        ...(options.recordPackages ? ['--import', join(root, 'test/support/package-recorder.mjs')] : []),
      ],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const pending = new Map<number, (answer: InvocationAnswer) => void>();
  const registered = await new Promise<Registered[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before registering\n${stderr}`)));
    child.on(
      'message',
      (message: { registered?: Registered[]; id?: number; answer?: InvocationAnswer; error?: string }) => {
        if (message.registered) resolve(message.registered);
        else if (message.id !== undefined)
          pending.get(message.id)?.(
            message.error !== undefined ? { error: message.error } : (message.answer as InvocationAnswer),
          );
      },
    );
  });
  let next = 0;
  return {
    registered,
    invoke(invocation: Invocation): Promise<InvocationAnswer> {
      const id = next++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ id, ...invocation });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** A port nothing listens on (yet): a stand-in that is unreachable until it starts there. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Cosmos DB stand-in (cosmosdb-server) on `port`, and the connection string that reaches it. */
export async function startCosmosStandIn(port = 0) {
  const cosmos = createHttpServer();
  await new Promise<void>((resolve) => cosmos.listen(port, '127.0.0.1', resolve));
  const bound = (cosmos.address() as AddressInfo).port;
  return {
    connectionString: cosmosConnectionString(bound),
    stop: () => new Promise<void>((resolve) => cosmos.close(() => resolve())),
  };
}

export function cosmosConnectionString(port: number): string {
  return `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('k').toString('base64')};`;
}
