import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpFunction } from '../../functions/definition.js';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/**
 * Bounded so the suite stays quick; FUZZ_RUNS raises it for a longer hunt, FUZZ_SEED replays a
 * failure (fast-check prints the seed and the shrunk counterexample when a property fails).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Values for a route parameter: real ids (so requests reach the handlers), junk and bad escapes. */
function paramValue(known: string[]) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%E2%82',
        '%C0%AF',
        '%00',
        '..',
        '%2e%2e',
        '%2F',
        '__proto__',
        'constructor',
        encodeURIComponent('+14255550123'),
        '+14255550123',
        'x'.repeat(2000),
      ),
    },
  );
}

/** Field names the routes read, so a random object often has the right keys with the wrong values. */
const fieldNames = fc.constantFrom(
  'from',
  'to',
  'text',
  'messageId',
  'presence',
  'agentId',
  'toQueueId',
  'toAgentId',
  'channelId',
  'queueId',
  'advanceMinutes',
  'channels',
  'queues',
  'agents',
  'id',
  'name',
  'numbers',
  'number',
  'capacity',
  'enabled',
  'language',
  'templateId',
  'values',
  'sendAt',
  'providerMessageId',
  'status',
  '__proto__',
  'constructor',
  'prototype',
);

const wrongTypes = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
  fc.object({ maxDepth: 2 }),
  fc.constantFrom(CUSTOMER, SUPPORT, 'available', 'general', 'alice', '\u200b', ' ', '𝔘𝔫𝔦'),
);

const bodies = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.dictionary(fieldNames, wrongTypes, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"from": "+1425',
      '{',
      '}',
      'nul',
      '[1,2',
      '{"a":1,}',
      "{'a':1}",
      '\u0000',
      '\uFEFF{}',
      '{"text":"\\ud800"}',
      '{"text":"\\u00"}',
      'NaN',
      '1e999999',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":true},"from":"+14255550123"}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"__proto__":{"isAdmin":true,"roles":["admin"]}}',
      '[{"__proto__":{"polluted":true}}]',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1000, max: 100_000 })
      .chain((depth) =>
        fc.constantFrom(
          `${'['.repeat(depth)}${']'.repeat(depth)}`,
          `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          `{"channels":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(1024 * 1024 - 64, 1024 * 1024 + 1, 3 * 1024 * 1024)
      .map((size) => JSON.stringify({ from: CUSTOMER, to: SUPPORT, text: 'a'.repeat(size) })),
  },
);

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  undefined,
);

const queries = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?to=+14255550123',
    '?to=%2B14255550123',
    '?to=%',
    '?limit=-1',
    '?limit=1e9',
    '?limit=abc&after=%zz',
    '?after=__proto__',
    '?code=nope',
    '?__proto__[polluted]=1',
  ),
  fc.string({ maxLength: 30 }).map((s) => `?q=${encodeURIComponent(s)}`),
);

const signIns = fc.constantFrom<Record<string, string>>(
  { 'x-sms-user': 'admin', 'x-sms-roles': 'admin' },
  { 'x-sms-user': 'admin', 'x-sms-roles': 'admin' },
  { 'x-sms-user': 'alice' },
  { 'x-sms-user': 'dana', 'x-sms-roles': 'supervisor,notifier' },
  { 'x-sms-user': 'x', 'x-sms-roles': '__proto__,constructor' },
  {},
);

/** A route template with its `{parameters}` filled in. */
function fillRoute(route: string, values: Record<string, string>): string {
  return route.replace(/\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\}/g, (_whole, name: string) => values[name] ?? 'x');
}

/**
 * Every HTTP route of the local host, taken from the function list (not listed by hand), gets
 * malformed JSON, wrong types, huge and deeply nested bodies, `__proto__` keys, invalid escapes,
 * wrong methods and content types. Whatever comes in: no 5xx, no stack trace, no polluted
 * prototype, and a refusal changes nothing in the store, the queues or the outbox.
 */
describe('every HTTP route under fuzzed input', () => {
  let t: TestHost;
  let conversationId = '';

  beforeAll(async () => {
    t = await startTestHost();
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'hello' });
    const mine = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'a conversation for alice');
    conversationId = mine[0].id;
    await t.settle();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function snapshot() {
    await t.settle();
    const { store } = t.host.app.deps;
    const conversations = await store.findConversations({});
    return {
      conversations,
      messages: await Promise.all(conversations.map((c) => store.listMessages(c.value.id))),
      agents: await store.listAgents(),
      configuration: await store.getConfiguration(),
      queues: (await t.api('GET', 'health')).body.queues,
      outbox: (await t.api('GET', 'local/outbox')).body.messages,
    };
  }

  it('answers every request with a clean 2xx, 3xx or 4xx, and a refusal changes nothing', async () => {
    const routes = t.host.functions.filter((f): f is HttpFunction => f.kind === 'http');
    expect(routes.length).toBeGreaterThan(30);
    const known: Record<string, string[]> = {
      conversationId: [conversationId, 'no-such-conversation'],
      agentId: ['alice', 'bob', 'zed'],
      queueId: ['general', 'vip'],
      channelId: ['support', 'alerts', 'nope'],
      number: [encodeURIComponent(CUSTOMER), encodeURIComponent(SUPPORT), '14255550123'],
      kind: ['greeting', 'survey', 'ended', 'nope'],
      templateId: ['t1', 'nope'],
      notificationId: ['nope'],
    };
    const paramNames = [
      ...new Set(
        routes.flatMap((r) => [...r.route.matchAll(/\{\*?([A-Za-z0-9_]+)/g)].map((m) => m[1] as string)),
      ),
    ];
    const params = fc.record(
      Object.fromEntries(paramNames.map((name) => [name, paramValue(known[name] ?? ['x', 'y'])])),
    );
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params,
      method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), { freq: 3 }),
      query: queries,
      body: bodies,
      contentType: contentTypes,
      signIn: signIns,
    });

    let before = await snapshot();
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const method = r.method ?? r.route.methods[0] ?? 'GET';
        const path = fillRoute(r.route.route, r.params as Record<string, string>);
        const hasBody = r.body !== undefined && method !== 'GET' && method !== 'HEAD';
        const response = await fetch(`${t.host.url}/api/${path}${r.query}`, {
          method,
          headers: { ...r.signIn, ...(r.contentType ? { 'content-type': r.contentType } : {}) },
          ...(hasBody ? { body: r.body } : {}),
        });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        const where = `${method} ${path}${r.query} -> ${response.status} ${text.slice(0, 300)}`;
        expect(response.status, where).toBeLessThan(500);
        expect(text, where).not.toMatch(/\bat .*\.(ts|js|cjs|mjs):\d+/);
        expect(text, where).not.toMatch(/\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/);
        expect(({} as Record<string, unknown>).polluted, where).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin, where).toBeUndefined();
        if (response.status >= 400) expect(await snapshot(), where).toEqual(before);
        // An accepted request may change things: the next refusal is compared with the new state.
        else before = await snapshot();
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), verbose: 1 },
    );
    // The fuzz reached the handlers, not only the router's refusals.
    const statuses = [...seen.keys()];
    expect(statuses.some((s) => s === 400)).toBe(true);
    expect(statuses.some((s) => s >= 200 && s < 300)).toBe(true);
  }, 600_000);
});
