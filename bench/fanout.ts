/**
 * `npm run bench` (part): notifications fanned out at the providers' pace. The local host sends
 * through a Twilio stand-in that answers 429 to a number sending faster than its limit; a flow
 * posts notifications of 100 recipients each, and the bench prints how fast the texts went out
 * against the pace configured (the sum of the pool's numbers' rates). Goal: at least 95% of it,
 * from the first send to the last. It also prints the rate once every notification is accepted,
 * and the sends of each second, which show where the pace was lost.
 *
 * The stand-in runs on a thread of its own (fanout-provider.ts), as a real provider runs on
 * machines of its own; it still shares this machine's two cores. Each host first sends and drains
 * BENCH_FANOUT_WARMUP notifications (10 by default, to other recipients), as a host in service has
 * sent before; with 0 it is measured fresh from its start, its code not yet compiled.
 *
 * 1. 100 notifications of 100 recipients on one number allowed 1000/s.
 * 2. 10,000 recipients (100 notifications of 100) over a pool of 10 numbers allowed 100/s each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startLocalHost } from '../local/host.js';
import { loadConfig } from '../shared/config.js';
import type { FromProvider, ProviderSetup, ToProvider } from './fanout-provider.js';
import { epochNow } from './load.js';

const NOTIFICATIONS = Number(process.env.BENCH_FANOUT_NOTIFICATIONS ?? 100);
const RECIPIENTS = 100;
/** Notifications posted at once, as a few flow runs would. */
const CONCURRENCY = Number(process.env.BENCH_FANOUT_CONCURRENCY ?? 4);
/** Notifications of 100 sent and drained before the measured ones (0: a host fresh from start). */
const WARMUP = Number(process.env.BENCH_FANOUT_WARMUP ?? 10);
const TWILIO = { sid: `AC${'b'.repeat(32)}`, token: 'bench-fanout-token' };
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const recipient = (index: number) => `+1425${String(3_000_000 + index).padStart(7, '0')}`;
const poolNumber = (index: number) => `+1206555${String(200 + index).padStart(4, '0')}`;

interface Scenario {
  name: string;
  numbers: number;
  ratePerNumber: number;
}

const scenarios: Scenario[] = [
  { name: '100 notifications x 100 recipients, one number at 1000/s', numbers: 1, ratePerNumber: 1000 },
  { name: '10,000 recipients over a pool of 10 numbers at 100/s each', numbers: 10, ratePerNumber: 100 },
];

async function run(scenario: Scenario) {
  const total = NOTIFICATIONS * RECIPIENTS;
  const stand = await startProvider({ ...TWILIO, ratePerNumber: scenario.ratePerNumber });
  const apiBaseUrl = stand.url;
  const dir = mkdtempSync(join(tmpdir(), 'sms-fanout-'));
  const seedFile = join(dir, 'seed.json');
  const numbers = Array.from({ length: scenario.numbers }, (_, i) => poolNumber(i));
  writeFileSync(
    seedFile,
    JSON.stringify({
      channels: [
        {
          id: 'alerts',
          name: 'Alerts',
          numbers,
          provider: 'twilio',
          direction: 'outbound-only',
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: 'General' }],
    }),
  );
  const host = await startLocalHost({
    config: loadConfig({
      SMS_DATA_DIR: dir,
      SMS_SEED_FILE: seedFile,
      SMS_LOCAL_PORT: '0',
      SMS_LOG_LEVEL: 'error',
      SMS_PUBLIC_BASE_URL: 'https://bench.contoso.example',
      TWILIO_ACCOUNT_SID: TWILIO.sid,
      TWILIO_AUTH_TOKEN: TWILIO.token,
      TWILIO_API_BASE_URL: apiBaseUrl,
      SMS_SEND_RATE_LONG_CODE: String(scenario.ratePerNumber),
    }),
    logSink: () => {},
  });
  // Notifications `from` to `to` (exclusive) of 100 recipients each, CONCURRENCY posted at once.
  const post = async (from: number, to: number) => {
    let next = from;
    const poster = async () => {
      for (let n = next++; n < to; n = next++) {
        const recipients = Array.from({ length: RECIPIENTS }, (_, i) => recipient(n * RECIPIENTS + i));
        const response = await fetch(`${host.url}/api/notifications`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-sms-user': 'bench-flow',
            'x-sms-roles': 'notifier',
            'idempotency-key': `bench-${n}`,
          },
          body: JSON.stringify({ channelId: 'alerts', to: recipients, text: `Your order ${n} has shipped` }),
        });
        if (response.status !== 202) throw new Error(`notification ${n} answered ${response.status}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, poster));
  };
  try {
    // A host that has sent before, as one in service has: its code compiled, its connections open.
    await post(NOTIFICATIONS, NOTIFICATIONS + WARMUP);
    await stand.reached(WARMUP * RECIPIENTS, 60_000);
    const started = epochNow();
    await post(0, NOTIFICATIONS);
    const accepted = epochNow();
    await stand.reached(WARMUP * RECIPIENTS + total, 10 * 60_000);
    const report = await stand.report();
    const sends = report.sends.filter((send) => send.at >= started);
    const { tooManyRequests } = report;
    const times = sends.map((send) => send.at);
    const first = times[0] ?? started;
    const last = times.at(-1) ?? started;
    const rate = (times.length - 1) / ((last - first) / 1000);
    const pace = scenario.numbers * scenario.ratePerNumber;
    // Once every notification is accepted, only sending is left: the rate from then to the last send.
    const afterAcceptance = times.filter((at) => at > accepted).length;
    const sendingAlone = afterAcceptance / ((last - accepted) / 1000);
    const perNumber = numbers.map((number) => {
      const own = sends.filter((send) => send.from === number).map((send) => send.at);
      return own.length > 1 ? (own.length - 1) / (((own.at(-1) ?? 0) - (own[0] ?? 0)) / 1000) : 0;
    });
    // Where the pace was lost: the sends of each second from the first.
    const seconds = Array.from({ length: Math.ceil((last - first) / 1000) }, () => 0);
    for (const at of times) {
      const second = Math.min(Math.floor((at - first) / 1000), seconds.length - 1);
      seconds[second] = (seconds[second] ?? 0) + 1;
    }
    process.stdout.write(
      `${scenario.name}:\n` +
        `  accepted ${NOTIFICATIONS} notifications (${total} recipients) in ${fmt((accepted - started) / 1000, 2)} s` +
        ` (${fmt((total * 1000) / (accepted - started), 0)} recipients/s)\n` +
        `  sent ${times.length} in ${fmt((last - first) / 1000, 2)} s from first to last send = ${fmt(rate, 0)} msg/s` +
        ` (${fmt((100 * rate) / pace)}% of the configured ${pace}/s; goal: at least 95%)\n` +
        `  after the last notification was accepted: ${afterAcceptance} sent in ${fmt((last - accepted) / 1000, 2)} s` +
        ` = ${fmt(sendingAlone, 0)} msg/s (${fmt((100 * sendingAlone) / pace)}% of the pace)\n` +
        `  first post to last send ${fmt((last - started) / 1000, 2)} s = ${fmt((times.length * 1000) / (last - started), 0)} msg/s;` +
        ` per number ${fmt(Math.min(...perNumber), 0)}-${fmt(Math.max(...perNumber), 0)} msg/s;` +
        ` ${tooManyRequests} answered 429 (goal 0)\n` +
        `  sends in each second from the first (the last one partial): ${seconds.join(' ')}\n`,
    );
  } finally {
    await host.close();
    await stand.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Twilio stand-in on its thread (fanout-provider.ts). */
async function startProvider(setup: ProviderSetup) {
  const worker = new Worker(new URL('./fanout-provider.js', import.meta.url), { workerData: setup });
  const next = <T extends FromProvider['type']>(type: T) =>
    new Promise<Extract<FromProvider, { type: T }>>((resolve, reject) => {
      const listener = (message: FromProvider) => {
        if (message.type !== type) return;
        worker.off('message', listener);
        resolve(message as Extract<FromProvider, { type: T }>);
      };
      worker.on('message', listener);
      worker.once('error', reject);
    });
  const { url } = await next('listening');
  return {
    url,
    /** Resolves once the stand-in has taken `count` sends in all, or after `ms`, whichever is first. */
    reached: (count: number, ms: number) => {
      const reached = next('reached');
      worker.postMessage({ type: 'await', count } satisfies ToProvider);
      return Promise.race([reached, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
    },
    report: () => {
      const report = next('report');
      worker.postMessage({ type: 'report' } satisfies ToProvider);
      return report;
    },
    stop: () => worker.terminate(),
  };
}

async function main() {
  process.stdout.write(
    `\nFan-out: notifications of ${RECIPIENTS} recipients, ${CONCURRENCY} posted at once\n\n`,
  );
  for (const scenario of scenarios) await run(scenario);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
