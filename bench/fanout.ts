/**
 * `npm run bench` (part): notifications fanned out at the providers' pace. The local host sends
 * through a Twilio stand-in that answers 429 to a number sending faster than its limit; a flow
 * posts notifications of 100 recipients each, and the bench prints how fast the texts went out
 * against the pace configured (the sum of the pool's numbers' rates). Goal: at least 95% of it,
 * from the first send to the last. It also prints the rate once every notification is accepted:
 * until then acceptance shares this machine's two cores, and the HTTP thread, with the provider
 * stand-in, which a real provider does not. Figures, not assertions.
 *
 * 1. 100 notifications of 100 recipients on one number allowed 1000/s.
 * 2. 10,000 recipients (100 notifications of 100) over a pool of 10 numbers allowed 100/s each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHost } from '../local/host.js';
import { loadConfig } from '../shared/config.js';
import { TwilioApiServer } from '../stand-ins/twilio-api-server.js';

const NOTIFICATIONS = Number(process.env.BENCH_FANOUT_NOTIFICATIONS ?? 100);
const RECIPIENTS = 100;
/** Notifications posted at once, as a few flow runs would. */
const CONCURRENCY = Number(process.env.BENCH_FANOUT_CONCURRENCY ?? 4);
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
  const stand = new TwilioApiServer(TWILIO.sid, TWILIO.token, scenario.ratePerNumber);
  const apiBaseUrl = await stand.start();
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
  const total = NOTIFICATIONS * RECIPIENTS;
  try {
    const started = performance.now();
    let next = 0;
    const poster = async () => {
      for (let n = next++; n < NOTIFICATIONS; n = next++) {
        const to = Array.from({ length: RECIPIENTS }, (_, i) => recipient(n * RECIPIENTS + i));
        const response = await fetch(`${host.url}/api/notifications`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-sms-user': 'bench-flow',
            'x-sms-roles': 'notifier',
            'idempotency-key': `bench-${n}`,
          },
          body: JSON.stringify({ channelId: 'alerts', to, text: `Your order ${n} has shipped` }),
        });
        if (response.status !== 202) throw new Error(`notification ${n} answered ${response.status}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, poster));
    const accepted = performance.now();
    const deadline = Date.now() + 10 * 60_000;
    while (stand.sends.length < total && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const times = stand.sends.map((send) => send.at);
    const first = times[0] ?? started;
    const last = times.at(-1) ?? started;
    const rate = (times.length - 1) / ((last - first) / 1000);
    const pace = scenario.numbers * scenario.ratePerNumber;
    // Once every notification is accepted, only sending is left: the rate from then to the last send.
    const afterAcceptance = times.filter((at) => at > accepted).length;
    const sendingAlone = afterAcceptance / ((last - accepted) / 1000);
    const perNumber = numbers.map((number) => {
      const own = stand.sends.filter((send) => send.params.From === number).map((send) => send.at);
      return own.length > 1 ? (own.length - 1) / (((own.at(-1) ?? 0) - (own[0] ?? 0)) / 1000) : 0;
    });
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
        ` ${stand.tooManyRequests} answered 429 (goal 0)\n`,
    );
  } finally {
    await host.close();
    await stand.stop();
    rmSync(dir, { recursive: true, force: true });
  }
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
