import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestHost } from './host.js';

const alice = { user: 'alice' };
const bob = { user: 'bob' };
const dana = { user: 'dana', roles: 'supervisor' };

/** Two queues, an agent in each: what an agent may search differs from what a supervisor may. */
export const searchSeed = {
  channels: [
    {
      id: 'support',
      name: 'Customer support',
      numbers: ['+14255550100'],
      provider: 'local',
      language: 'en',
      defaultQueueId: 'general',
    },
  ],
  queues: [
    { id: 'general', name: 'General support', wrapUp: { codes: [{ code: 'resolved', label: 'Resolved' }] } },
    { id: 'billing', name: 'Billing' },
  ],
  agents: [
    { id: 'alice', name: 'Alice', capacity: 5, queueIds: ['general'], presence: 'offline' },
    { id: 'bob', name: 'Bob', capacity: 5, queueIds: ['billing'], presence: 'offline' },
  ],
};

interface Hit {
  id: string;
  caseNumber: string;
  customer: string;
  customerName?: string;
  state: string;
  wrapUp?: { code: string; label: string };
}

/**
 * Three conversations an hour apart, written through the API: José's (a contact) in general, ended
 * by alice with the wrap-up code `resolved`; Joseph's (a contact) in billing, with bob; a
 * stranger's in general, with alice. Needs searchSeed and a manual clock.
 */
export async function writeSearchConversations(t: TestHost) {
  const begin = async (to: string, as: { user: string }, queueId?: string) => {
    const started = await t.api(
      'POST',
      'conversations',
      {
        channelId: 'support',
        to,
        text: 'Hello from Contoso',
        agentId: as.user,
        ...(queueId ? { queueId } : {}),
      },
      as,
    );
    expect(started.status).toBe(201);
    return started.body.conversation.id as string;
  };
  await t.api('PUT', `manage/contacts/${encodeURIComponent('+14255550161')}`, { name: 'José Álvarez' });
  await t.api('PUT', `manage/contacts/${encodeURIComponent('+14255550162')}`, { name: 'Joseph Brown' });
  const jose = await begin('+14255550161', alice);
  const ended = await t.api(
    'POST',
    `conversations/${jose}/end`,
    { wrapUpCode: 'resolved', agentId: 'alice' },
    alice,
  );
  // The host's log names what failed when the end is refused (never expected).
  expect({ status: ended.status, failed: t.logs.filter((line) => line.includes('http.failed')) }).toEqual({
    status: 200,
    failed: [],
  });
  await t.api('POST', 'local/clock', { advanceMinutes: 60 });
  const joseph = await begin('+14255550162', bob, 'billing');
  await t.api('POST', 'local/clock', { advanceMinutes: 60 });
  const stranger = await begin('+14255550163', alice);
  return { jose, joseph, stranger };
}

/**
 * Three conversations an hour apart (José's in general, ended with a wrap-up code; Joseph's in
 * billing; a stranger's in general), written through the API and searched through it: the search
 * a supervisor's page makes, and an agent's. `start` makes them; the searches only read.
 */
export function searchScenario(
  start: () => Promise<TestHost>,
  /**
   * `dev`: the development sign-in, where a person is an agent or a supervisor. `keys`: function
   * keys (the Azure adapters without App Service Authentication), where the key holder oversees
   * and names the agent it acts for: the agent's own view is not reachable there.
   */
  identity: 'dev' | 'keys' = 'dev',
) {
  let t: TestHost;
  const ids: Record<'jose' | 'joseph' | 'stranger', string> = { jose: '', joseph: '', stranger: '' };
  const search = async (query: string, as: { user: string; roles?: string } | null = dana) =>
    t.api('GET', `search/conversations${query}`, undefined, as);
  const found = async (query: string, as?: { user: string; roles?: string }) => {
    const { status, body } = await search(query, as);
    expect({ query, status }).toEqual({ query, status: 200 });
    return (body.conversations as Hit[]).map((hit) => hit.id);
  };

  beforeAll(async () => {
    t = await start();
    Object.assign(ids, await writeSearchConversations(t));
  });
  afterAll(async () => {
    await t.stop();
  });

  it('a supervisor finds every conversation, newest first, a page at a time', async () => {
    const first = await search('?pageSize=2');
    expect(first.status).toBe(200);
    expect(first.body.conversations.map((hit: Hit) => hit.id)).toEqual([ids.stranger, ids.joseph]);
    const next = await search(`?pageSize=2&continuation=${encodeURIComponent(first.body.continuation)}`);
    expect(next.body.conversations.map((hit: Hit) => hit.id)).toEqual([ids.jose]);
    expect(next.body.continuation).toBeUndefined();
  });

  it('by number, contact name (case and accents ignored), case number, queue, agent, state and dates', async () => {
    expect(await found(`?number=${encodeURIComponent('+14255550162')}`)).toEqual([ids.joseph]);
    expect(await found('?contact=jos')).toEqual([ids.joseph, ids.jose]);
    expect(await found('?contact=JOSE%20A')).toEqual([ids.jose]);
    const { body } = await search(`?number=${encodeURIComponent('+14255550163')}`);
    expect(await found(`?caseNumber=${encodeURIComponent(body.conversations[0].caseNumber)}`)).toEqual([
      ids.stranger,
    ]);
    expect(await found('?queue=billing')).toEqual([ids.joseph]);
    expect(await found('?agent=alice')).toEqual([ids.stranger, ids.jose]);
    expect(await found('?state=wrap-up')).toEqual([ids.jose]);
    expect(await found('?state=active&queue=general')).toEqual([ids.stranger]);
    const clock = await t.api('GET', 'local/clock');
    const now = Date.parse(clock.body.now);
    const hour = 3_600_000;
    const from = new Date(now - 1.5 * hour).toISOString();
    const to = new Date(now - 0.5 * hour).toISOString();
    expect(await found(`?from=${from}&to=${to}`)).toEqual([ids.joseph]);
    expect(await found(`?to=${to}`)).toEqual([ids.joseph, ids.jose]);
  });

  it('shows each result with its wrap-up code and the customer, never the transcript', async () => {
    const { body } = await search(`?number=${encodeURIComponent('+14255550161')}`);
    expect(body.conversations).toEqual([
      expect.objectContaining({
        id: ids.jose,
        customer: '+14255550161',
        customerName: 'José Álvarez',
        queueId: 'general',
        agentId: 'alice',
        state: 'wrap-up',
        wrapUp: expect.objectContaining({ code: 'resolved', label: 'Resolved' }),
      }),
    ]);
    expect(body.conversations[0].history).toBeUndefined();
    expect(body.conversations[0].messages).toBeUndefined();
  });

  // With function keys alone every key holder oversees: a plain agent exists only where people sign in.
  if (identity !== 'keys') {
    it("an agent finds their queues' conversations and those they held, and is refused another queue", async () => {
      expect(await found('', alice)).toEqual([ids.stranger, ids.jose]);
      expect(await found('?contact=jos', alice)).toEqual([ids.jose]);
      expect(await found('', bob)).toEqual([ids.joseph]);
      const refused = await search('?queue=billing', alice);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('not a member of queue billing');
    });
  }

  it('answers bad input with a 400 naming the field, and no sign-in with 401', async () => {
    const bad = async (query: string, field: string) => {
      const { status, body } = await search(query);
      expect({ query, status, fields: body.error.issues.map((i: { path: string }) => i.path) }).toEqual({
        query,
        status: 400,
        fields: [field],
      });
    };
    await bad('?state=lost', 'state.0');
    await bad('?pageSize=0', 'pageSize');
    await bad('?pageSize=101', 'pageSize');
    await bad('?pageSize=ten', 'pageSize');
    await bad('?from=yesterday', 'from');
    await bad('?from=2026-02-30', 'from');
    await bad('?from=2026-12-02&to=2026-12-01', 'to');
    await bad('?number=12', 'number');
    await bad('?number=+14255550161', 'number');
    await bad('?contact=%20%20', 'contact');
    await bad('?continuation=nonsense', 'continuation');
    await bad('?queueId=general', '(root)');
    expect((await search('', null)).status).toBe(401);
  });

  if (identity !== 'keys') {
    it('refuses a signed-in caller without an agent, supervisor or admin role (403)', async () => {
      expect((await search('', { user: 'flow', roles: 'notifier' })).status).toBe(403);
    });
  }
}
