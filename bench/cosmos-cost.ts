/**
 * `npm run bench` (part): what each flow costs the store, counted operation by operation, with
 * request units estimated from document sizes (stand-ins/counting-store.ts says how). The flows run
 * through the use cases against the embedded store; Cosmos DB sees the same calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../shared/app.js';
import { loadConfig } from '../shared/config.js';
import type { InboundSms } from '../shared/domain/inbound-sms.js';
import { notificationRequestSchema } from '../shared/domain/notification.js';
import type { PhoneNumber, SenderNumber } from '../shared/domain/phone.js';
import { assignQueue } from '../shared/use-cases/assign.js';
import { autoCloseIdle } from '../shared/use-cases/auto-close.js';
import { replyToCustomer, setPresence } from '../shared/use-cases/conversations.js';
import { deliverOutbound } from '../shared/use-cases/deliver.js';
import { applyDeliveryReport } from '../shared/use-cases/delivery-report.js';
import { receiveInbound } from '../shared/use-cases/inbound.js';
import { sendNotification } from '../shared/use-cases/notify.js';
import { countingStore, estimateRu, type Operation } from '../stand-ins/counting-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-cost-'));
writeFileSync(
  join(dir, 'seed.json'),
  JSON.stringify({
    channels: [
      {
        id: 'support',
        name: 'Support',
        numbers: ['+14255550100'],
        provider: 'local',
        defaultQueueId: 'general',
      },
    ],
    queues: [{ id: 'general', name: 'General' }],
    agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
  }),
);
const app = await createApp(
  loadConfig({
    SMS_DATA_DIR: dir,
    SMS_SEED_FILE: join(dir, 'seed.json'),
    SMS_CLOCK: 'manual',
    SMS_LOG_LEVEL: 'error',
  }),
  { logSink: () => {} },
);
const counted = countingStore(app.deps.store);
const deps = { ...app.deps, store: counted.store };
const clock = app.manualClock;
if (!clock) throw new Error('the bench needs the manual clock');

let n = 0;
const sms = (from: string, text: string): InboundSms => {
  n += 1;
  return {
    id: `local:cost-${n}`,
    provider: 'local',
    providerMessageId: `cost-${n}`,
    from: from as PhoneNumber,
    to: '+14255550100' as SenderNumber,
    text,
    media: [],
    receivedAt: clock.now().toISOString(),
  };
};

const rows: { flow: string; operations: Operation[] }[] = [];
async function measure<T>(flow: string, run: () => Promise<T>): Promise<T> {
  counted.reset();
  const result = await run();
  rows.push({ flow, operations: [...counted.operations] });
  return result;
}

const opened = await measure('customer message, new conversation', () =>
  receiveInbound(deps, sms('+14255550123', 'Hello, I need help')),
);
if (opened.status !== 'stored') throw new Error('not stored');
await measure('customer message, conversation under way', () =>
  receiveInbound(deps, sms('+14255550123', 'It is about my order')),
);
await setPresence(deps, 'alice', 'available');
await measure('assignment run (one waiting, one agent)', () => assignQueue(deps, 'general'));
const reply = await measure('agent reply accepted', () =>
  replyToCustomer(deps, { conversationId: opened.conversationId, agentId: 'alice', text: 'Hi, Alice here.' }),
);
const sent = await measure('reply sent to the provider', () =>
  deliverOutbound(deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 }),
);
if (sent.status !== 'sent') throw new Error('not sent');
await measure('delivery report applied', () =>
  applyDeliveryReport(deps, {
    provider: 'local',
    providerMessageId: sent.providerMessageId,
    conversationId: opened.conversationId,
    messageId: reply.id,
    status: 'delivered',
    reason: null,
    recipientOptedOut: false,
    reportedAt: clock.now().toISOString(),
  }),
);
await measure('notification, one recipient', () =>
  sendNotification(
    deps,
    notificationRequestSchema.parse({
      channelId: 'support',
      to: ['+14255550124'],
      text: 'Your parcel ships today',
    }),
  ),
);
await measure('STOP on an open conversation', () => receiveInbound(deps, sms('+14255550123', 'STOP')));
await receiveInbound(deps, sms('+14255550125', 'Anyone there?'));
clock.advance(25 * 60 * 60_000);
await measure('auto-close run (one idle conversation)', () => autoCloseIdle(deps));

const count = (ops: Operation[], kind: Operation['kind']) => ops.filter((o) => o.kind === kind).length;
process.stdout.write(
  '\nStore operations per flow (Cosmos DB request units estimated from document sizes)\n\n',
);
process.stdout.write(
  '| flow | point reads | writes | queries | KB moved | est. RU |\n| --- | --- | --- | --- | --- | --- |\n',
);
for (const { flow, operations } of rows) {
  const kb = operations.reduce((sum, o) => sum + o.bytes, 0) / 1024;
  const ru = operations.reduce((sum, o) => sum + estimateRu(o), 0);
  process.stdout.write(
    `| ${flow} | ${count(operations, 'point-read')} | ${count(operations, 'write')} | ${count(operations, 'query')} | ${kb.toFixed(1)} | ${ru.toFixed(1)} |\n`,
  );
}
await app.close();
rmSync(dir, { recursive: true, force: true });
