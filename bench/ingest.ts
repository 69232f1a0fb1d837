/**
 * `npm run bench`: inbound ingest on the local host (embedded default) against a bare `node:http`
 * server measured in the same run. Figures, not assertions: read them, compare them with the
 * README's performance section.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHost } from '../local/host.js';
import { loadConfig } from '../shared/config.js';
import { startBareServer } from './bare-server.js';
import { drive, median, percentile } from './load.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const TOTAL = Number(process.env.BENCH_MESSAGES ?? 5000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const WARM_UP = 2000;
// Warm-up traffic comes from other customers, so the measured run keeps its own mix of first
// messages (new conversations) and replies.
const customer = (index: number, pool: number) =>
  `+1425${String(pool + (index % CUSTOMERS)).padStart(7, '0')}`;
const inbound =
  (run: string, pool = 2_000_000) =>
  (index: number) => {
    const messageId = `${run}-${index}`;
    return {
      id: `local:${messageId}`,
      json: JSON.stringify({
        from: customer(index, pool),
        to: '+14255550100',
        text: `Message ${index}: where is my order?`,
        messageId,
      }),
    };
  };

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function bare() {
  const server = await startBareServer();
  await drive({ url: server.url, total: WARM_UP, concurrency: CONCURRENCY, body: inbound('warm-bare') });
  const result = await drive({
    url: server.url,
    total: TOTAL,
    concurrency: CONCURRENCY,
    body: inbound('bare'),
  });
  await server.close();
  return result;
}

async function ours() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-bench-'));
  const config = loadConfig({
    SMS_DATA_DIR: dataDir,
    SMS_LOCAL_PORT: '0',
    SMS_LOG_LEVEL: 'error',
  });
  // Accept = the message is durably on the inbound queue (its enqueue time); routed = the inbound
  // worker finished storing it and asking for assignment (the queue message completed).
  const latencyMs = new Map<string, number>();
  const host = await startLocalHost({
    config,
    logSink: () => {},
    onCompleted: (message) => {
      if (message.queue === 'sms-inbound') {
        latencyMs.set(message.id, message.completedAt.getTime() - message.enqueuedAt.getTime());
      }
    },
  });
  const url = `${host.url.replace('localhost', '127.0.0.1')}/api/local/inbound`;
  await drive({ url, total: WARM_UP, concurrency: CONCURRENCY, body: inbound('warm', 3_000_000) });
  const result = await drive({ url, total: TOTAL, concurrency: CONCURRENCY, body: inbound('run') });
  const deadline = Date.now() + 120_000;
  while ([...result.answeredAt.keys()].some((id) => !latencyMs.has(id)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const latencies = [...result.answeredAt.keys()]
    .flatMap((id) => {
      const ms = latencyMs.get(id);
      return ms === undefined ? [] : [ms];
    })
    .sort((a, b) => a - b);
  const missing = result.answeredAt.size - latencies.length;
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { result, latencies, missing };
}

async function main() {
  process.stdout.write(
    `Inbound ingest: ${TOTAL} messages from ${CUSTOMERS} customers, ${CONCURRENCY} concurrent senders, ` +
      `${ROUNDS} rounds, Node ${process.version}\n\n`,
  );
  const rounds: { bare: number; ours: number; p50: number; p99: number; bareCpu: number; ourCpu: number }[] =
    [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternating the two in every round spreads the machine's own noise over both.
    const yardstick = await bare();
    const { result, latencies, missing } = await ours();
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    rounds.push({
      bare: yardstick.perSecond,
      ours: result.perSecond,
      p50,
      p99,
      bareCpu: yardstick.cpuMsPerRequest,
      ourCpu: result.cpuMsPerRequest,
    });
    process.stdout.write(
      `round ${round}: bare node:http ${fmt(yardstick.perSecond, 0)} req/s (${fmt(yardstick.cpuMsPerRequest, 3)} CPU-ms/req)` +
        ` | local host ${fmt(result.perSecond, 0)} msg/s (${fmt(result.cpuMsPerRequest, 3)} CPU-ms/msg)` +
        ` (${fmt((100 * result.perSecond) / yardstick.perSecond)}%), ${result.failed} refused` +
        ` | accept -> stored and routed p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms, max ${fmt(latencies.at(-1) ?? Number.NaN)} ms` +
        `${missing > 0 ? `, ${missing} never routed` : ''}\n`,
    );
  }
  const bareRate = median(rounds.map((r) => r.bare));
  const ourRate = median(rounds.map((r) => r.ours));
  const ratio = median(rounds.map((r) => r.ours / r.bare));
  process.stdout.write(
    [
      '',
      `median bare node:http (read + JSON.parse + 202): ${fmt(bareRate, 0)} req/s, ${fmt(median(rounds.map((r) => r.bareCpu)), 3)} CPU-ms/req`,
      `median local host (embedded default): ${fmt(ourRate, 0)} msg/s accepted, ${fmt(ratio * 100)}% of bare (goal >= 33.3%), ` +
        `${fmt(median(rounds.map((r) => r.ourCpu)), 3)} CPU-ms/msg (both threads; the load generator's share included in both)`,
      `median accept -> stored and routed: p50 ${fmt(median(rounds.map((r) => r.p50)))} ms, p99 ${fmt(median(rounds.map((r) => r.p99)))} ms (goal p99 < 20 ms)`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
