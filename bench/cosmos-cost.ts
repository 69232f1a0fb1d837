/**
 * `npm run bench` (part): what each recurring flow costs Cosmos DB, counted request by request at
 * the container (the real SDK on @vercel/cosmosdb-server, through stand-ins/counting-store.ts),
 * with the partitions each touched and request units estimated from document sizes. The table in
 * docs/cosmos.md is this output. Then the same flows with much more kept (closed conversations,
 * agents of other queues), to show their cost does not move with it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmosStore } from '../shared/adapters/cosmos-store.js';
import { createApp } from '../shared/app.js';
import { loadConfig } from '../shared/config.js';
import type { InboundSms } from '../shared/domain/inbound-sms.js';
import type { PhoneNumber, SenderNumber } from '../shared/domain/phone.js';
import { startCosmosServer } from '../stand-ins/cosmos-server.js';
import { countingContainer, estimateRu } from '../stand-ins/counting-store.js';
import {
  assignmentWithRoster,
  byPartition,
  costTable,
  differences,
  FLOW_CUSTOMER,
  type FlowRun,
  keep,
  runFlows,
} from './cosmos-flows.js';
import { runSearches, searchTable } from './cosmos-searches.js';

const ROSTER_SIZES = (process.env.BENCH_ROSTER_SIZES ?? '1,10,100').split(',').map(Number);
const KEPT_SMALL = { closedConversations: 25, otherAgents: 10 };
const KEPT_LARGE = {
  closedConversations: Number(process.env.BENCH_KEPT_CONVERSATIONS ?? 1000),
  otherAgents: Number(process.env.BENCH_KEPT_AGENTS ?? 1000),
};

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
      {
        id: 'alerts',
        name: 'Alerts',
        numbers: ['+14255550101', '+14255550102'],
        provider: 'local',
        direction: 'outbound-only',
        defaultQueueId: 'general',
      },
    ],
    queues: [
      { id: 'general', name: 'General' },
      { id: 'billing', name: 'Billing' },
    ],
    agents: [],
  }),
);
// The embedded app gives the directory, the local provider and the queue; the store is Cosmos DB.
const app = await createApp(
  loadConfig({
    SMS_DATA_DIR: dir,
    SMS_SEED_FILE: join(dir, 'seed.json'),
    SMS_CLOCK: 'manual',
    SMS_LOG_LEVEL: 'error',
  }),
  { logSink: () => {} },
);
if (!app.manualClock) throw new Error('the bench needs the manual clock');
const clock = app.manualClock;
const cosmos = await startCosmosServer();

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

async function fresh() {
  const counted = countingContainer(await cosmos.container());
  const store = new CosmosStore(counted.container);
  return { counted, store, world: { deps: { ...app.deps, store }, clock, sms } };
}

async function measure(kept?: typeof KEPT_SMALL): Promise<FlowRun[]> {
  const { counted, store, world } = await fresh();
  await store.createAgent({
    id: 'alice',
    name: 'Alice',
    capacity: 2,
    queueIds: ['general'],
    presence: 'offline',
    assignments: [],
  });
  if (kept) await keep(store, clock.now(), kept);
  return runFlows(world, counted);
}

/**
 * The searches, on the small kept container after the flows: the customer (a contact, Dana Smith)
 * has the 25 closed conversations kept and the flows' own, so a search by number fills a page.
 */
async function measureSearches() {
  const { counted, store, world } = await fresh();
  const at = clock.now().toISOString();
  await store.createAgent({
    id: 'alice',
    name: 'Alice',
    capacity: 2,
    queueIds: ['general'],
    presence: 'offline',
    assignments: [],
  });
  await store.putContact(
    {
      number: FLOW_CUSTOMER as PhoneNumber,
      name: 'Dana Smith',
      attributes: {},
      createdAt: at,
      updatedAt: at,
    },
    null,
  );
  await keep(store, clock.now(), KEPT_SMALL);
  await runFlows(world, counted);
  const newest = (await store.searchConversations({}, { limit: 1 })).conversations[0]?.value;
  if (!newest?.caseNumber) throw new Error('the flows opened no conversation to search for');
  return runSearches(world.deps, counted, newest.createdAt.slice(0, 10), newest.caseNumber);
}

const kept = (k: typeof KEPT_SMALL) =>
  `${k.closedConversations} closed conversations and ${k.otherAgents} agents of another queue kept`;
try {
  const empty = await measure();
  process.stdout.write(
    '\nCosmos DB requests per flow, counted at the container (request units estimated from document sizes)\n\n',
  );
  process.stdout.write(costTable(empty));
  const assignment = empty.find((run) => run.flow.startsWith('assignment run'));
  if (assignment) {
    process.stdout.write('\nThe assignment run by partition: requests, est. RU\n\n');
    for (const row of byPartition(assignment))
      process.stdout.write(`- ${row.partition}: ${row.requests}, ${row.ru.toFixed(1)}\n`);
  }
  process.stdout.write("\nAn assignment run as its queue's roster grows (one conversation waiting)\n\n");
  process.stdout.write(
    '| available in the queue | requests | est. RU | of which roster\\|general (one query) |\n',
  );
  process.stdout.write('| --- | --- | --- | --- |\n');
  for (const size of ROSTER_SIZES) {
    const { counted, world } = await fresh();
    const run = await assignmentWithRoster(world, counted, size);
    const roster = byPartition(run).find((row) => row.partition === 'roster|general');
    const ru = run.operations.reduce((sum, o) => sum + estimateRu(o), 0);
    process.stdout.write(
      `| ${size} | ${run.operations.length} | ${ru.toFixed(1)} | ${roster ? roster.ru.toFixed(1) : '0'} |\n`,
    );
  }
  process.stdout.write(
    `\nSearches a person starts (GET search/conversations), after the flows with ${kept(KEPT_SMALL)}\n\n`,
  );
  process.stdout.write(searchTable(await measureSearches()));
  const small = await measure(KEPT_SMALL);
  const large = await measure(KEPT_LARGE);
  const report = (label: string, changed: string[]) =>
    process.stdout.write(
      `${label}: ${changed.length === 0 ? 'the same on every row' : `differs on ${changed.join('; ')}`}\n`,
    );
  process.stdout.write('\n');
  report(`Nothing kept vs ${kept(KEPT_SMALL)}`, differences(empty, small));
  report(`${kept(KEPT_SMALL)} vs ${kept(KEPT_LARGE)}`, differences(small, large));
} finally {
  await cosmos.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
