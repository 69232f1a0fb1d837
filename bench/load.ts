import { Agent, request } from 'node:http';

export interface LoadResult {
  accepted: number;
  failed: number;
  seconds: number;
  perSecond: number;
  /**
   * CPU time of this whole process per answered request (ms; every thread, the load generator's
   * share included): steadier than the rate on a machine shared with other work.
   */
  cpuMsPerRequest: number;
  /** Client-side time each request was answered (ms, performance.now()), by message id. */
  answeredAt: Map<string, number>;
}

/**
 * Drives `concurrency` senders, each posting its share of `total` JSON bodies back to back over
 * keep-alive connections, and times the whole run.
 */
export async function drive(options: {
  url: string;
  total: number;
  concurrency: number;
  /** The request for one index: a JSON body unless headers say otherwise. */
  body: (index: number) => { id: string; json: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const answeredAt = new Map<string, number>();
  let next = 0;
  let failed = 0;

  const post = (json: string, extra: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...extra,
            'content-length': Buffer.byteLength(json),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(json);
    });

  const sender = async () => {
    for (;;) {
      const index = next++;
      if (index >= options.total) return;
      const { id, json, headers } = options.body(index);
      const status = await post(json, headers);
      if (status >= 200 && status < 300) answeredAt.set(id, performance.now());
      else failed += 1;
    }
  };

  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return {
    accepted: answeredAt.size,
    failed,
    seconds,
    perSecond: answeredAt.size / seconds,
    cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(1, answeredAt.size),
    answeredAt,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** The middle value (the upper one of an even count): what a bench of several rounds compares. */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Epoch milliseconds at sub-millisecond resolution, comparable between threads. */
export const epochNow = () => performance.timeOrigin + performance.now();
