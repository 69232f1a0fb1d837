import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../shared/app.js';
import { loadConfig } from '../shared/config.js';

/**
 * `npm run chaos` (not in CI): unique customer texts and agent replies against the built local host
 * (a real child process on loopback), killed with SIGKILL and stopped with SIGINT in turn and
 * restarted, then an account of what was accepted and what the store holds. Bounded: ROUNDS
 * rounds of LOAD_MS each.
 */
const MAIN = new URL('../local/main.js', import.meta.url).pathname;
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 6);
const LOAD_MS = Number(process.env.CHAOS_LOAD_MS ?? 1500);
const CUSTOMERS = Number(process.env.CHAOS_CUSTOMERS ?? 30);
const SUPPORT = '+14255550100';
const customerNumber = (i: number) => `+1425555${String(200 + i).padStart(4, '0')}`;
const STOPPER = customerNumber(0);

interface Running {
  child: ChildProcess;
  url: string;
}

async function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, SMS_DATA_DIR: dataDir, SMS_LOCAL_PORT: '0', SMS_SEND_RATE_LONG_CODE: '1000' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /embedded default at (http:\/\/localhost:\d+)\/api[\s\S]*Ctrl-C stops it/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
  });
  child.stdout?.resume();
  return { child, url };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

async function call(url: string, method: string, path: string, body?: unknown, headers = {}) {
  try {
    const response = await fetch(`${url}/api/${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  } catch {
    return { status: 0, body: {} };
  }
}

interface StoredText {
  /** The customer's own counter, in the order the texts were sent. */
  sent: number;
  token: string;
  conversationId: string;
  opened: string;
  seq: number;
}

const byStoredPosition = (a: StoredText, b: StoredText) =>
  Date.parse(a.opened) - Date.parse(b.opened) ||
  a.conversationId.localeCompare(b.conversationId) ||
  a.seq - b.seq;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-chaos-'));
  const accepted = new Map<string, number>(); // token -> customer index
  const acceptedOrder = new Map<number, number[]>(); // customer -> accepted seqs, in order
  const replies = new Set<string>();
  const nextSeq = new Array<number>(CUSTOMERS).fill(0);
  let stopAcceptedAt: number | undefined;
  const kills: string[] = [];

  for (let round = 0; round < ROUNDS; round += 1) {
    const host = await start(dataDir);
    for (const agent of ['alice', 'bob'])
      await call(
        host.url,
        'PUT',
        `agents/${agent}/presence`,
        { presence: 'available' },
        { 'x-sms-user': agent },
      );
    const until = Date.now() + LOAD_MS;
    const customers = Array.from({ length: CUSTOMERS }, async (_, i) => {
      while (Date.now() < until) {
        if (i === 0 && round === Math.floor(ROUNDS / 2) && stopAcceptedAt === undefined) {
          const stop = await call(host.url, 'POST', 'local/inbound', {
            from: STOPPER,
            to: SUPPORT,
            text: 'STOP',
            messageId: 'chaos-stop',
          });
          if (stop.status === 202) stopAcceptedAt = Date.now();
          continue;
        }
        const seq = nextSeq[i] ?? 0;
        nextSeq[i] = seq + 1;
        const token = `c${i}-m${seq}`;
        const { status } = await call(host.url, 'POST', 'local/inbound', {
          from: customerNumber(i),
          to: SUPPORT,
          text: `msg ${token}`,
          messageId: token,
        });
        if (status === 202) {
          accepted.set(token, i);
          acceptedOrder.set(i, [...(acceptedOrder.get(i) ?? []), seq]);
        }
      }
    });
    const agents = ['alice', 'bob'].map(async (agent) => {
      let n = 0;
      while (Date.now() < until) {
        const mine = await call(host.url, 'GET', `agents/${agent}/conversations`, undefined, {
          'x-sms-user': agent,
        });
        const conversations = (mine.body.conversations ?? []) as { id: string }[];
        for (const conversation of conversations) {
          const text = `reply ${agent}-${round}-${n++}`;
          const sent = await call(
            host.url,
            'POST',
            `conversations/${conversation.id}/messages`,
            { text },
            { 'x-sms-user': agent },
          );
          if (sent.status === 202) replies.add(text);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    await Promise.all([...customers, ...agents]);
    const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGINT';
    kills.push(signal);
    host.child.kill(signal);
    await exited(host.child);
  }

  // A last start to let queued work finish, then a clean stop and an account from the store itself.
  const last = await start(dataDir);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const health = await call(last.url, 'GET', 'health');
    const depths = Object.values((health.body.queues ?? {}) as Record<string, number>);
    if (depths.length > 0 && depths.every((d) => d === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const outbox = ((await call(last.url, 'GET', `local/outbox?to=${encodeURIComponent(STOPPER)}`)).body
    .messages ?? []) as Record<string, unknown>[];
  last.child.kill('SIGINT');
  await exited(last.child);

  const app = await createApp(loadConfig({ SMS_DATA_DIR: dataDir }), { logSink: () => {} });
  // Every conversation, closed ones included (findConversations reads only unclosed ones).
  const conversations: Awaited<ReturnType<typeof app.deps.store.findConversations>> = [];
  let continuation: string | undefined;
  do {
    const page = await app.deps.store.searchConversations(
      {},
      { limit: 500, ...(continuation ? { continuation } : {}) },
    );
    conversations.push(...page.conversations);
    continuation = page.continuation;
  } while (continuation);
  const stored = new Map<string, number>();
  // Where each customer text was stored. searchConversations lists newest first, so a customer
  // with two conversations (the STOP sender: STOP closes one, the next text opens another) would
  // read as reversed in that order; the order to check is by conversation open time, then by seq.
  const storedOrder = new Map<number, StoredText[]>();
  const storedReplies = new Map<string, number>();
  const unclosed = new Map<string, number>();
  const afterStop: string[] = [];
  for (const { value: conversation } of conversations) {
    if (conversation.state !== 'closed')
      unclosed.set(conversation.customer, (unclosed.get(conversation.customer) ?? 0) + 1);
    for (const message of await app.deps.store.listMessages(conversation.id)) {
      const token = /^msg (c(\d+)-m(\d+))$/.exec(message.text);
      if (message.direction === 'inbound' && token?.[1]) {
        stored.set(token[1], (stored.get(token[1]) ?? 0) + 1);
        const customer = Number(token[2]);
        storedOrder.set(customer, [
          ...(storedOrder.get(customer) ?? []),
          {
            sent: Number(token[3]),
            token: token[1],
            conversationId: conversation.id,
            opened: conversation.createdAt,
            seq: message.seq,
          },
        ]);
      }
      if (message.direction === 'outbound' && message.text.startsWith('reply '))
        storedReplies.set(message.text, (storedReplies.get(message.text) ?? 0) + 1);
    }
  }
  for (const sent of outbox) {
    const at = Date.parse(String(sent.sentAt ?? sent.createdAt ?? sent.at ?? ''));
    if (
      stopAcceptedAt !== undefined &&
      at > stopAcceptedAt &&
      !/STOP|unsubscribed|opted out/i.test(String(sent.text))
    )
      afterStop.push(String(sent.text));
  }
  await app.close();

  const lost = [...accepted.keys()].filter((token) => !stored.has(token));
  const duplicated = [...stored.values()].filter((count) => count > 1).length;
  let outOfOrder = 0;
  for (const [customer, texts] of storedOrder) {
    const acceptedSeqs = new Set(acceptedOrder.get(customer) ?? []);
    const kept = texts.filter((t) => acceptedSeqs.has(t.sent)).sort(byStoredPosition);
    for (let k = 1; k < kept.length; k += 1)
      if ((kept[k]?.sent ?? 0) < (kept[k - 1]?.sent ?? 0)) {
        outOfOrder += 1;
        if (process.env.CHAOS_DEBUG)
          process.stdout.write(
            `out of order, customer ${customer}:\n${kept.map((t) => `  ${t.token} conversation ${t.conversationId} opened ${t.opened} seq ${t.seq}`).join('\n')}\n`,
          );
      }
  }
  const lostReplies = [...replies].filter((text) => !storedReplies.has(text)).length;
  const duplicatedReplies = [...storedReplies.values()].filter((count) => count > 1).length;
  const figures = {
    rounds: ROUNDS,
    stops: kills.join(' '),
    'inbound accepted': accepted.size,
    'inbound stored (accepted ones)': [...accepted.keys()].filter((t) => stored.has(t)).length,
    'inbound lost': lost.length,
    'inbound duplicated': duplicated,
    'inbound out of order': outOfOrder,
    'replies accepted': replies.size,
    'replies lost': lostReplies,
    'replies duplicated': duplicatedReplies,
    'customers with more than one unclosed conversation': [...unclosed.values()].filter((n) => n > 1).length,
    'STOP accepted': stopAcceptedAt !== undefined,
    'sends after STOP (confirmation excluded)': afterStop.length,
  };
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name}: ${value}\n`);
  if (process.env.CHAOS_DEBUG) process.stdout.write(`lost: ${lost.join(' ')}\n`);
  rmSync(dataDir, { recursive: true, force: true });
  const failed =
    lost.length + duplicated + outOfOrder + lostReplies + duplicatedReplies + afterStop.length > 0 ||
    figures['customers with more than one unclosed conversation'] > 0;
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`chaos failed: ${String(error)}\n`);
  process.exit(2);
});
