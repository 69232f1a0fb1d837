import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
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
