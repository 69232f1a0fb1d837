/**
 * `npm run bench`, part one: the Azure entry point (dist/functions/index.js, on Cosmos DB and
 * Service Bus stand-ins) against a minimal hand-written Functions app (bench/peer-app.ts), each run
 * by a stand-in of the Functions host's worker (bench/functions-worker.ts), alternating in every
 * round. Cold start: the import of the entry point, and the time from process start to the first
 * answered Twilio webhook. Per-request work: CPU time per Twilio, ACS and TeleSign webhook call,
 * through the real `@azure/functions` HttpRequest, in the worker's process (the stand-ins run in
 * this one). Figures, not assertions.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { queueNames } from '../shared/ports.js';
import { ServiceBusBroker } from '../stand-ins/service-bus-broker.js';
import type { BenchRequest, WorkerAnswer, WorkerAsk } from './functions-worker.js';
import { median } from './load.js';

const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 3);
const CALLS = Number(process.env.BENCH_EDGE_CALLS ?? 2000);

const dist = fileURLToPath(new URL('..', import.meta.url));
const apps = {
  ours: join(dist, 'functions/index.js'),
  /** What infra/package.sh ships (npm run bundle). */
  bundle: join(dist, 'bundle/functions/index.js'),
  peer: join(dist, 'bench/peer-app.js'),
};
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
/** Twilio's signature, written out (HMAC-SHA1 over the URL and the sorted parameters). */
function twilioSignature(url: string, params: Record<string, string>): string {
  let signed = url;
  for (const key of Object.keys(params).sort()) signed += key + params[key];
  return createHmac('sha1', TWILIO.token).update(signed).digest('base64');
}

const requests = {
  twilio: (run: string, index: number): BenchRequest => {
    const params = {
      MessageSid: `SM${run}${index}`,
      AccountSid: TWILIO.sid,
      From: customer(index),
      To: NUMBERS.twilio,
      Body: `Message ${index}: where is my order?`,
      NumMedia: '0',
      NumSegments: '1',
    };
    return {
      name: 'twilioInbound',
      method: 'POST',
      url: 'http://localhost:7071/api/twilio/inbound',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(`${PUBLIC_BASE}/api/twilio/inbound`, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  },
  acs: (run: string, index: number): BenchRequest => {
    const messageId = `Incoming_${run}${index}`;
    const at = new Date().toISOString();
    return {
      name: 'acsEvents',
      method: 'POST',
      url: 'http://localhost:7071/api/acs/events',
      headers: {
        'content-type': 'application/json',
        'aeg-event-type': 'Notification',
        'x-sms-webhook-secret': ACS_SECRET,
      },
      body: JSON.stringify([
        {
          id: messageId,
          topic:
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs',
          subject: `/phonenumber/${NUMBERS.acs.slice(1)}`,
          data: {
            messageId,
            from: customer(index),
            to: NUMBERS.acs,
            message: `Message ${index}`,
            receivedTimestamp: at,
          },
          eventType: 'Microsoft.Communication.SMSReceived',
          dataVersion: '1.0',
          metadataVersion: '1',
          eventTime: at,
        },
      ]),
    };
  },
  telesign: (run: string, index: number): BenchRequest => {
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
      name: 'teleSignCallback',
      method: 'POST',
      url: 'http://localhost:7071/api/telesign/callback',
      headers: {
        'content-type': 'application/json',
        authorization: `TSA ${TELESIGN.customerId}:${signature}`,
      },
      body,
    };
  },
};
type Provider = keyof typeof requests;
/** BENCH_PROVIDERS=acs,twilio measures only those (to profile one path). */
const providers = (
  process.env.BENCH_PROVIDERS ? process.env.BENCH_PROVIDERS.split(',') : Object.keys(requests)
).filter((p): p is Provider => p in requests);

async function startStandIns() {
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

/** One worker process running `entry`, from its start. */
function startWorker(entry: string, env: Record<string, string>) {
  const spawnedAt = performance.now();
  const child: ChildProcess = fork(join(dist, 'bench/functions-worker.js'), [entry], {
    env: {
      PATH: process.env.PATH ?? '',
      SMS_LOG_LEVEL: 'error',
      // BENCH_CPU_PROF=<dir>: each worker writes a CPU profile of each measured burst there.
      ...(process.env.BENCH_CPU_PROF ? { BENCH_CPU_PROF: process.env.BENCH_CPU_PROF } : {}),
      ...env,
    },
    execArgv: ['--import', join(dist, 'bench/functions-core-stand-in.js')],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (answer: WorkerAnswer) => void>();
  const ready = new Promise<Extract<WorkerAnswer, { ready: true }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker for ${entry} exited (${code})`)));
    child.on('message', (answer: WorkerAnswer) => {
      if ('ready' in answer) resolve(answer);
      else pending.get(answer.id)?.(answer);
    });
  });
  let next = 0;
  const ask = <A extends WorkerAnswer>(question: Omit<WorkerAsk, 'id'>): Promise<A> => {
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, (answer) =>
        'error' in answer ? reject(new Error(answer.error)) : resolve(answer as A),
      );
      child.send({ id, ...question });
    });
  };
  return {
    spawnedAt,
    ready,
    ask,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

interface Measure {
  importMs: number;
  firstAnswerMs: number;
  cpuMicros: Record<Provider, number>;
  functions: number;
}

async function measure(entry: string, env: Record<string, string>, run: string): Promise<Measure> {
  const worker = startWorker(entry, env);
  try {
    const ready = await worker.ready;
    // Twilio's webhook at once, as a cold instance gets it; a 503 (still starting) is asked again.
    let first = 0;
    for (let attempt = 0; ; attempt++) {
      const answer = await worker.ask<Extract<WorkerAnswer, { atMs: number }>>({
        one: requests.twilio(`${run}cold${attempt}-`, 0),
      });
      if (answer.status === 200) {
        first = answer.atMs;
        break;
      }
      if (attempt > 200) throw new Error(`${entry}: the first webhook never succeeded (${answer.status})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cpuMicros = {} as Record<Provider, number>;
    for (const provider of providers) {
      // A warm-up burst first: the JIT and the clients' connections are the warm instance's.
      await worker.ask({ burst: Array.from({ length: 200 }, (_, i) => requests[provider](`${run}w-`, i)) });
      const burst = await worker.ask<Extract<WorkerAnswer, { cpuMicros: number }>>({
        burst: Array.from({ length: CALLS }, (_, i) => requests[provider](`${run}r-`, i)),
      });
      const ok = burst.statuses['200'] ?? 0;
      if (ok !== CALLS) throw new Error(`${entry}: ${provider} answered ${JSON.stringify(burst.statuses)}`);
      cpuMicros[provider] = burst.cpuMicros / CALLS;
    }
    return { importMs: ready.importMs, firstAnswerMs: first, cpuMicros, functions: ready.functions.length };
  } finally {
    await worker.stop();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sms-bench-functions-'));
  const standIns = await startStandIns();
  const seedFile = join(dir, 'seed.json');
  const channel = (id: string, provider: string, number: string) => ({
    id,
    name: id,
    numbers: [number],
    provider,
    defaultQueueId: 'general',
  });
  writeFileSync(
    seedFile,
    JSON.stringify({
      channels: [
        channel('tw', 'twilio', NUMBERS.twilio),
        channel('acs', 'acs', NUMBERS.acs),
        channel('ts', 'telesign', NUMBERS.telesign),
      ],
      queues: [{ id: 'general', name: 'General' }],
    }),
  );
  const env = {
    ...standIns.env,
    SMS_SEED_FILE: seedFile,
    SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
    TWILIO_ACCOUNT_SID: TWILIO.sid,
    TWILIO_AUTH_TOKEN: TWILIO.token,
    ACS_CONNECTION_STRING: `endpoint=http://127.0.0.1:9/;accesskey=${Buffer.from('unused').toString('base64')}`,
    ACS_WEBHOOK_SECRET: ACS_SECRET,
    TELESIGN_CUSTOMER_ID: TELESIGN.customerId,
    TELESIGN_API_KEY: TELESIGN.apiKey,
  };
  process.stdout.write(
    `Functions entry point vs a minimal hand-written Functions app (bench/peer-app.ts), Cosmos DB and Service Bus stand-ins, ` +
      `${ROUNDS} alternating rounds, ${CALLS} calls per provider, Node ${process.version}\n\n`,
  );
  try {
    // A first start imports the seed into Cosmos DB and warms the disk cache; it is not counted.
    await measure(apps.ours, env, 'seed');
    const rounds: { ours: Measure; bundle: Measure; peer: Measure }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const peer = await measure(apps.peer, env, `p${round}`);
      const ours = await measure(apps.ours, env, `o${round}`);
      const bundle = await measure(apps.bundle, env, `b${round}`);
      rounds.push({ ours, bundle, peer });
      process.stdout.write(
        `round ${round}: import ${fmt(ours.importMs, 0)} ms (bundled ${fmt(bundle.importMs, 0)}) vs peer ${fmt(peer.importMs, 0)} ms | ` +
          `start -> first answered webhook ${fmt(ours.firstAnswerMs, 0)} ms (bundled ${fmt(bundle.firstAnswerMs, 0)}) vs ${fmt(peer.firstAnswerMs, 0)} ms | CPU per call (bundled) ` +
          providers
            .map((p) => `${p} ${fmt(bundle.cpuMicros[p], 0)} vs ${fmt(peer.cpuMicros[p], 0)} µs`)
            .join(', ') +
          ` | ${ours.functions} functions vs ${peer.functions}\n`,
      );
    }
    type Which = 'ours' | 'bundle';
    const ratio = (which: Which, pick: (m: Measure) => number) =>
      median(rounds.map((r) => pick(r[which]) / pick(r.peer)));
    const line = (label: string, pick: (m: Measure) => number, unit: string, goal: number) =>
      `median ${label}: compiled ${fmt(median(rounds.map((r) => pick(r.ours))), 0)} ${unit} (${fmt(ratio('ours', pick), 2)}x), ` +
      `bundled ${fmt(median(rounds.map((r) => pick(r.bundle))), 0)} ${unit} (${fmt(ratio('bundle', pick), 2)}x), ` +
      `peer ${fmt(median(rounds.map((r) => pick(r.peer))), 0)} ${unit} (goal <= ${goal}x)\n`;
    process.stdout.write('\n');
    process.stdout.write(line('import of the entry point', (m) => m.importMs, 'ms', 2));
    process.stdout.write(line('process start -> first answered webhook', (m) => m.firstAnswerMs, 'ms', 2));
    for (const provider of providers)
      process.stdout.write(line(`CPU per ${provider} webhook call`, (m) => m.cpuMicros[provider], 'µs', 1.5));
    process.stdout.write('\n');
  } finally {
    await standIns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
