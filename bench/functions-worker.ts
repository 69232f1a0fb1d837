/**
 * A Functions host worker for the bench, run as a child process with functions-core-stand-in.js
 * preloaded: it imports an app's entry point (argv[2]), says how long the import took and what
 * registered, then invokes HTTP functions through the real `@azure/functions` HttpRequest type when
 * the parent asks: one request (answered with the time since this process started), or a burst
 * (answered with the CPU time the burst took in this process).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HttpResponseInit } from '@azure/functions';

export interface BenchRequest {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
export type WorkerAsk = { id: number; one: BenchRequest } | { id: number; burst: BenchRequest[] };
export type WorkerAnswer =
  | { ready: true; importMs: number; readyAtMs: number; functions: string[] }
  | { id: number; status: number; atMs: number }
  | { id: number; cpuMicros: number; statuses: Record<string, number> }
  | { id: number; error: string };

const entry = process.argv[2] ?? '';
const started = performance.now();
await import(entry);
const importMs = performance.now() - started;
// After the entry point, which loads it itself: the real worker does not load it for the app.
// CommonJS: Node's ESM loader sees only its default export.
const { HttpRequest, InvocationContext } = (await import('@azure/functions')).default;
const handlers = (globalThis as { __benchHandlers?: Map<string, (...args: unknown[]) => Promise<unknown>> })
  .__benchHandlers;
if (!handlers) throw new Error('the functions core stand-in was not preloaded');
const send = (answer: WorkerAnswer) => process.send?.(answer);
send({ ready: true, importMs, readyAtMs: performance.now(), functions: [...handlers.keys()].sort() });

let invocations = 0;
async function invoke(request: BenchRequest): Promise<number> {
  const handler = handlers?.get(request.name);
  if (!handler) throw new Error(`no function ${request.name}`);
  const context = new InvocationContext({
    functionName: request.name,
    invocationId: `bench-${invocations++}`,
    logHandler: () => {},
  });
  const response = (await handler(
    new HttpRequest({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: { string: request.body },
    }),
    context,
  )) as HttpResponseInit;
  return response.status ?? 200;
}

/** BENCH_CPU_PROF=<dir>: a CPU profile of each burst, to open in DevTools (not while measuring). */
const profileDir = process.env.BENCH_CPU_PROF;
let profiled = 0;
async function profiling<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!profileDir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const app = basename(entry.includes('/bundle/') ? 'bundle' : entry, '.js');
    writeFileSync(
      join(profileDir, `${app}-${process.pid}-${profiled++}-${name}.cpuprofile`),
      JSON.stringify(profile),
    );
    session.disconnect();
  }
}

async function burst(requests: BenchRequest[]) {
  return profiling(requests[0]?.name ?? 'none', () => measureBurst(requests));
}

async function measureBurst(requests: BenchRequest[]) {
  const statuses: Record<string, number> = {};
  const before = process.cpuUsage();
  // Ten at a time, as a host instance takes concurrent requests.
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < requests.length) {
        const request = requests[next++] as BenchRequest;
        const status = String(await invoke(request));
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const used = process.cpuUsage(before);
  return { cpuMicros: used.user + used.system, statuses };
}

process.on('message', (ask: WorkerAsk) => {
  const run =
    'one' in ask
      ? invoke(ask.one).then((status) => ({ id: ask.id, status, atMs: performance.now() }))
      : burst(ask.burst).then((result) => ({ id: ask.id, ...result }));
  run.then(send, (error: unknown) =>
    send({ id: ask.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
