/**
 * `npm run bench`, part two: inbound through each provider's signed webhook (messages per second,
 * accept -> stored p50/p99), and outbound throughput against a Twilio stand-in that enforces a
 * per-number limit (goal: within 5% of the limit, no 429s). Figures, not assertions.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { type LocalHost, startLocalHost } from '../local/host.js';
import { loadConfig } from '../shared/config.js';
import { TwilioApiServer } from '../stand-ins/twilio-api-server.js';
import { startExpressPeer } from './express-peer.js';
import { drive, type LoadResult, median, percentile } from './load.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const TOTAL = Number(process.env.BENCH_PROVIDER_MESSAGES ?? 3000);
/** As the ingest bench: a fresh host's threads run cold code for their first thousand messages or so. */
const WARMUP = Number(process.env.BENCH_PROVIDER_WARMUP ?? 2000);
/** Twilio against the express peer: rounds taken in turns, the median compared. */
const ROUNDS = Number(process.env.BENCH_PROVIDER_ROUNDS ?? 3);
const OUTBOUND = Number(process.env.BENCH_OUTBOUND_MESSAGES ?? 200);
const LIMIT = Number(process.env.BENCH_NUMBER_LIMIT ?? 20);

const PUBLIC_BASE = 'https://bench.contoso.example';
const TWILIO = { sid: `AC${'a'.repeat(32)}`, token: 'bench-auth-token' };
const TELESIGN = {
  customerId: 'BENCH-CUSTOMER',
  apiKey: Buffer.from('bench-telesign-api-key').toString('base64'),
};
const ACS_SECRET = 'bench-webhook-secret-0123456789';
const NUMBERS = { twilio: '+12065550100', acs: '+18005550100', telesign: '+18005550101' };
/**
 * Customers of a run: each run (a warm-up, a measured round) writes to 500 of its own, so every
 * measured round opens as many conversations as the others. With the default 3000 messages a
 * round, a sixth of them open a conversation and the rest reply, the share the single round had.
 */
const CUSTOMERS_PER_RUN = 500;
const customer = (index: number, run: number) =>
  `+1425${String(2_000_000 + run * CUSTOMERS_PER_RUN + (index % CUSTOMERS_PER_RUN)).padStart(7, '0')}`;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function withHost<T>(
  env: Record<string, string>,
  seed: unknown,
  run: (host: LocalHost, latency: Map<string, number>) => Promise<T>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'sms-bench-'));
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  const latency = new Map<string, number>();
  const host = await startLocalHost({
    config: loadConfig({
      SMS_DATA_DIR: dir,
      SMS_SEED_FILE: seedFile,
      SMS_LOCAL_PORT: '0',
      SMS_LOG_LEVEL: 'error',
      ...env,
    }),
    logSink: () => {},
    onCompleted: (message) => {
      if (message.queue === 'sms-inbound')
        latency.set(message.id, message.completedAt.getTime() - message.enqueuedAt.getTime());
    },
  });
  try {
    return await run(host, latency);
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const channel = (id: string, provider: string, number: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  numbers: [number],
  provider,
  defaultQueueId: 'general',
  ...extra,
});

/** Signed requests as each provider sends them. */
const signed = {
  twilio: (run: string, customerRun: number) => (index: number) => {
    const params = {
      MessageSid: `SM${run}${index}`,
      From: customer(index, customerRun),
      To: NUMBERS.twilio,
      Body: `Message ${index}`,
      NumMedia: '0',
    };
    const signature = twilio.getExpectedTwilioSignature(
      TWILIO.token,
      `${PUBLIC_BASE}/api/twilio/inbound`,
      params,
    );
    return {
      id: `twilio:SM${run}${index}`,
      json: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    };
  },
  acs: (run: string, customerRun: number) => (index: number) => {
    const messageId = `Incoming_${run}${index}`;
    const event = {
      id: messageId,
      topic:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs',
      subject: `/phonenumber/${NUMBERS.acs.slice(1)}`,
      data: {
        messageId,
        from: customer(index, customerRun),
        to: NUMBERS.acs,
        message: `Message ${index}`,
        receivedTimestamp: new Date().toISOString(),
      },
      eventType: 'Microsoft.Communication.SMSReceived',
      dataVersion: '1.0',
      metadataVersion: '1',
      eventTime: new Date().toISOString(),
    };
    return {
      id: `acs:${messageId}`,
      json: JSON.stringify([event]),
      headers: { 'aeg-event-type': 'Notification', 'x-sms-webhook-secret': ACS_SECRET },
    };
  },
  telesign: (run: string, customerRun: number) => (index: number) => {
    const body = JSON.stringify({
      reference_id: `${run}${index}`,
      sub_resource: 'mo_sms',
      status: { code: 1500, description: 'Delivered to customer', updated_on: new Date().toISOString() },
      user_response: {
        phone_number: customer(index, customerRun).slice(1),
        sender_id: NUMBERS.telesign.slice(1),
        mo_message: `Message ${index}`,
      },
    });
    const signature = createHmac('sha256', Buffer.from(TELESIGN.apiKey, 'base64'))
      .update(body)
      .digest('base64');
    return {
      id: `telesign:${run}${index}`,
      json: body,
      headers: { authorization: `TSA ${TELESIGN.customerId}:${signature}` },
    };
  },
};
const routes = { twilio: 'twilio/inbound', acs: 'acs/events', telesign: 'telesign/callback' };

async function webhooks() {
  const seed = {
    channels: [
      channel('tw', 'twilio', NUMBERS.twilio),
      channel('acs', 'acs', NUMBERS.acs),
      channel('ts', 'telesign', NUMBERS.telesign),
    ],
    queues: [{ id: 'general', name: 'General' }],
  };
  const env = {
    SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
    TWILIO_ACCOUNT_SID: TWILIO.sid,
    TWILIO_AUTH_TOKEN: TWILIO.token,
    ACS_CONNECTION_STRING: `endpoint=http://127.0.0.1:9/;accesskey=${Buffer.from('unused').toString('base64')}`,
    ACS_WEBHOOK_SECRET: ACS_SECRET,
    TELESIGN_CUSTOMER_ID: TELESIGN.customerId,
    TELESIGN_API_KEY: TELESIGN.apiKey,
  };
  // The yardstick for Twilio, in the same run: express + twilio.webhook(), storing nothing.
  const peer = await startExpressPeer(TWILIO.token, `${PUBLIC_BASE}/api/twilio/inbound`);
  if (!peer) {
    process.stdout.write(
      'express + twilio.webhook(): express is not installed (npm install), not measured\n',
    );
  }
  try {
    await withHost(env, seed, async (host, latency) => {
      const runs = hostRuns(host, latency);
      await twilioAgainstPeer(runs, peer?.url);
      for (const provider of ['acs', 'telesign'] as const) {
        await runs.warmUp(provider);
        printWebhook(provider, [await runs.measure(provider, 1)], latency);
      }
    });
  } finally {
    await peer?.close();
  }
}

/** A round of ours: the process's CPU is counted until every accepted message is stored. */
interface OurRound extends LoadResult {
  cpuMsPerStored: number;
}

/** Driving the local host's webhooks, each run waiting until what it sent is stored. */
function hostRuns(host: LocalHost, latency: Map<string, number>) {
  const urlOf = (provider: keyof typeof routes) =>
    `${host.url.replace('localhost', '127.0.0.1')}/api/${routes[provider]}`;
  // A run's backlog left storing would share the CPU with the next run, the peer's included.
  const drained = async (result: LoadResult) => {
    const deadline = Date.now() + 60_000;
    while ([...result.answeredAt.keys()].some((id) => !latency.has(id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    latency,
    warmUp: async (provider: keyof typeof routes) => {
      const body = signed[provider]('w', 0);
      await drained(await drive({ url: urlOf(provider), total: WARMUP, concurrency: CONCURRENCY, body }));
    },
    measure: async (provider: keyof typeof routes, run: number): Promise<OurRound> => {
      const cpu = process.cpuUsage();
      const body = signed[provider](`r${run}-`, run);
      const result = await drive({ url: urlOf(provider), total: TOTAL, concurrency: CONCURRENCY, body });
      await drained(result);
      const used = process.cpuUsage(cpu);
      return { ...result, cpuMsPerStored: (used.user + used.system) / 1000 / Math.max(1, result.accepted) };
    },
  };
}

/**
 * Twilio against the peer. Both are warmed alike, then measured in turns (peer, ours, peer, ours,
 * ...), and the median of the rounds' ratios compared, as the ingest bench does: this machine's
 * speed moves by up to a third within minutes, and one round each compared whichever minute each
 * fell in. Run 0 is the warm-ups' customers; each measured round writes to customers of its own.
 */
async function twilioAgainstPeer(runs: ReturnType<typeof hostRuns>, peerUrl: string | undefined) {
  const drivePeer = (run: string, customerRun: number, total: number) =>
    peerUrl
      ? drive({ url: peerUrl, total, concurrency: CONCURRENCY, body: signed.twilio(run, customerRun) })
      : undefined;
  await drivePeer('pw', 0, WARMUP);
  await runs.warmUp('twilio');
  const rounds: { ours: OurRound; peer: LoadResult | undefined }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const peer = await drivePeer(`p${round}-`, round, TOTAL);
    const ours = await runs.measure('twilio', round);
    rounds.push({ ours, peer });
    process.stdout.write(
      `  round ${round}: twilio ${fmt(ours.perSecond, 0)} msg/s (${fmt(ours.cpuMsPerStored, 3)} CPU-ms/msg stored)` +
        (peer
          ? `, express + twilio.webhook() ${fmt(peer.perSecond, 0)} msg/s (${fmt(peer.cpuMsPerRequest, 3)} CPU-ms/req)` +
            ` = ${fmt(ours.perSecond / peer.perSecond, 2)}x`
          : '') +
        '\n',
    );
  }
  const peers = rounds.flatMap((round) => round.peer ?? []);
  const ratios = rounds.flatMap(({ ours, peer }) => (peer ? ours.perSecond / peer.perSecond : []));
  if (peers.length > 0) {
    const failed = peers.reduce((sum, result) => sum + result.failed, 0);
    process.stdout.write(
      `express + twilio.webhook() (no storage): ${fmt(median(peers.map((r) => r.perSecond)), 0)} msg/s, ` +
        `median of ${peers.length} (${failed} refused), ${fmt(median(peers.map((r) => r.cpuMsPerRequest)), 3)} CPU-ms/req\n`,
    );
  }
  printWebhook(
    'twilio',
    rounds.map((round) => round.ours),
    runs.latency,
    ratios.length > 0
      ? `, median of ${ratios.length} rounds: ${fmt(median(ratios), 2)}x express + twilio.webhook() (goal >= 1x)`
      : '',
  );
}

function printWebhook(provider: string, rounds: OurRound[], latency: Map<string, number>, extra = '') {
  const times = rounds
    .flatMap((round) => [...round.answeredAt.keys()])
    .flatMap((id) => latency.get(id) ?? [])
    .sort((a, b) => a - b);
  const failed = rounds.reduce((sum, round) => sum + round.failed, 0);
  process.stdout.write(
    `${provider.padEnd(8)} signed webhook: ${fmt(median(rounds.map((r) => r.perSecond)), 0)} msg/s accepted (${failed} refused), ` +
      `${fmt(median(rounds.map((r) => r.cpuMsPerStored)), 3)} CPU-ms/msg until stored, ` +
      `accept -> stored p50 ${fmt(percentile(times, 50))} ms, p99 ${fmt(percentile(times, 99))} ms${extra}\n`,
  );
}

async function outbound() {
  const stand = new TwilioApiServer(TWILIO.sid, TWILIO.token, LIMIT);
  const apiBaseUrl = await stand.start();
  const seed = {
    channels: [channel('tw', 'twilio', NUMBERS.twilio)],
    queues: [{ id: 'general', name: 'General' }],
    agents: [{ id: 'alice', name: 'Alice', capacity: 5, queueIds: ['general'], presence: 'available' }],
  };
  const env = {
    SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
    TWILIO_ACCOUNT_SID: TWILIO.sid,
    TWILIO_AUTH_TOKEN: TWILIO.token,
    TWILIO_API_BASE_URL: apiBaseUrl,
    SMS_SEND_RATE_LONG_CODE: String(LIMIT),
  };
  try {
    await withHost(env, seed, async (host) => {
      // Signed in (the development sign-in) as an admin acting for alice.
      const admin = { 'x-sms-user': 'admin', 'x-sms-roles': 'admin' };
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${host.url}/api/${path}`, {
          ...init,
          headers: { ...admin, ...(init.headers as Record<string, string>) },
        }).then((r) => r.json() as Promise<{ conversations: { id: string }[] }>);
      const first = signed.twilio('o', 0)(0);
      await fetch(`${host.url}/api/twilio/inbound`, {
        method: 'POST',
        headers: first.headers,
        body: first.json,
      });
      let conversationId = '';
      while (!conversationId) {
        conversationId = (await api('agents/alice/conversations')).conversations[0]?.id ?? '';
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (let i = 0; i < OUTBOUND; i++) {
        await api(`conversations/${conversationId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ agentId: 'alice', text: `Update ${i}` }),
        });
      }
      const deadline = Date.now() + 10 * 60_000;
      while (stand.sends.length < OUTBOUND && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const sends = stand.sends.map((s) => s.at);
      const seconds = ((sends.at(-1) ?? 0) - (sends[0] ?? 0)) / 1000;
      const rate = (sends.length - 1) / seconds;
      process.stdout.write(
        `outbound through one long code limited to ${LIMIT}/s: ${sends.length} sent in ${fmt(seconds, 2)} s = ${fmt(rate, 2)} msg/s ` +
          `(${fmt((100 * rate) / LIMIT)}% of the limit; goal: within 5%), ${stand.tooManyRequests} answered 429 (goal 0)\n`,
      );
    });
  } finally {
    await stand.stop();
  }
}

async function main() {
  process.stdout.write(
    `\nProviders: ${TOTAL} signed inbound messages per provider, ${CONCURRENCY} concurrent senders\n\n`,
  );
  await webhooks();
  process.stdout.write('\n');
  await outbound();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
