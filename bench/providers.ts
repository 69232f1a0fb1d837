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
import { drive, percentile } from './load.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const TOTAL = Number(process.env.BENCH_PROVIDER_MESSAGES ?? 3000);
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
const customer = (index: number) => `+1425${String(2_000_000 + (index % 1000)).padStart(7, '0')}`;
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
  twilio: (run: string) => (index: number) => {
    const params = {
      MessageSid: `SM${run}${index}`,
      From: customer(index),
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
  acs: (run: string) => (index: number) => {
    const messageId = `Incoming_${run}${index}`;
    const event = {
      id: messageId,
      topic:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs',
      subject: `/phonenumber/${NUMBERS.acs.slice(1)}`,
      data: {
        messageId,
        from: customer(index),
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
  telesign: (run: string) => (index: number) => {
    const body = JSON.stringify({
      reference_id: `${run}${index}`,
      sub_resource: 'mo_sms',
      status: { code: 1500, description: 'Delivered to customer', updated_on: new Date().toISOString() },
      user_response: {
        phone_number: customer(index).slice(1),
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
  let peerRate = Number.NaN;
  if (peer) {
    await drive({ url: peer.url, total: 500, concurrency: CONCURRENCY, body: signed.twilio('pw') });
    const result = await drive({
      url: peer.url,
      total: TOTAL,
      concurrency: CONCURRENCY,
      body: signed.twilio('p'),
    });
    await peer.close();
    peerRate = result.perSecond;
    process.stdout.write(
      `express + twilio.webhook() (no storage): ${fmt(result.perSecond, 0)} msg/s (${result.failed} refused), ` +
        `${fmt(result.cpuMsPerRequest, 3)} CPU-ms/req\n`,
    );
  } else {
    process.stdout.write(
      'express + twilio.webhook(): express is not installed (npm install), not measured\n',
    );
  }
  await withHost(env, seed, async (host, latency) => {
    for (const provider of ['twilio', 'acs', 'telesign'] as const) {
      const url = `${host.url.replace('localhost', '127.0.0.1')}/api/${routes[provider]}`;
      await drive({ url, total: 500, concurrency: CONCURRENCY, body: signed[provider]('w') });
      const result = await drive({
        url,
        total: TOTAL,
        concurrency: CONCURRENCY,
        body: signed[provider]('r'),
      });
      const deadline = Date.now() + 60_000;
      while ([...result.answeredAt.keys()].some((id) => !latency.has(id)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const times = [...result.answeredAt.keys()]
        .flatMap((id) => latency.get(id) ?? [])
        .sort((a, b) => a - b);
      const versus =
        provider === 'twilio' && !Number.isNaN(peerRate)
          ? `, ${fmt(result.perSecond / peerRate, 2)}x express + twilio.webhook() (goal >= 1x)`
          : '';
      process.stdout.write(
        `${provider.padEnd(8)} signed webhook: ${fmt(result.perSecond, 0)} msg/s accepted (${result.failed} refused), ` +
          `${fmt(result.cpuMsPerRequest, 3)} CPU-ms/msg, ` +
          `accept -> stored p50 ${fmt(percentile(times, 50))} ms, p99 ${fmt(percentile(times, 99))} ms${versus}\n`,
      );
    }
  });
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
      const first = signed.twilio('o')(0);
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
