import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/**
 * Bad input gets a 4xx that says what is wrong, without internals, and changes nothing: the
 * store, the queues and the outbox look exactly as they did before the request.
 */
describe('bad input over HTTP', () => {
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
    const { store } = t.host.app.deps;
    const conversations = await store.findConversations({});
    return {
      conversations,
      messages: await Promise.all(conversations.map((c) => store.listMessages(c.value.id))),
      agents: await store.listAgents(),
      queues: (await t.api('GET', 'health')).body.queues,
      outbox: (await t.api('GET', 'local/outbox')).body.messages,
    };
  }

  const cases: [string, string, string, unknown, number, RegExp][] = [
    ['malformed JSON', 'POST', 'local/inbound', '{"from": "+1425', 400, /not valid JSON/],
    ['a missing field', 'POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT }, 400, /invalid/],
    [
      'a number without a country code',
      'POST',
      'local/inbound',
      { from: '4255550123', to: SUPPORT, text: 'x' },
      400,
      /from must be in international form/,
    ],
    [
      'an invalid number',
      'POST',
      'local/inbound',
      { from: '+1425555', to: SUPPORT, text: 'x' },
      400,
      /^from /,
    ],
    [
      '1601 characters',
      'POST',
      'local/inbound',
      { from: CUSTOMER, to: SUPPORT, text: 'a'.repeat(1601) },
      400,
      /1601 characters; the limit is 1600/,
    ],
    [
      'an empty text',
      'POST',
      'local/inbound',
      { from: CUSTOMER, to: SUPPORT, text: '   ' },
      400,
      /must not be empty/,
    ],
    [
      'an unknown support number',
      'POST',
      'local/inbound',
      { from: CUSTOMER, to: '+14255550111', text: 'x' },
      404,
      /no channel has the number/,
    ],
    [
      'an outbound-only number',
      'POST',
      'local/inbound',
      { from: CUSTOMER, to: '+14255550199', text: 'x' },
      409,
      /outbound-only/,
    ],
    [
      'an unknown conversation',
      'GET',
      'conversations/no-such-id',
      undefined,
      404,
      /conversation no-such-id does not exist/,
    ],
    [
      'a reply to an unknown conversation',
      'POST',
      'conversations/no-such-id/messages',
      { agentId: 'alice', text: 'hi' },
      404,
      /does not exist/,
    ],
    [
      'a reply of 1601 characters',
      'POST',
      'CONVERSATION/messages',
      { agentId: 'alice', text: 'a'.repeat(1601) },
      400,
      /1601 characters/,
    ],
    [
      'a reply by an admin naming no agent to act for',
      'POST',
      'CONVERSATION/messages',
      { text: 'hi' },
      400,
      /agentId is needed/,
    ],
    [
      'a reply from an agent who does not hold it',
      'POST',
      'CONVERSATION/messages',
      { agentId: 'bob', text: 'hi' },
      403,
      /not assigned to agent bob/,
    ],
    [
      'closing someone else conversation',
      'POST',
      'CONVERSATION/close',
      { agentId: 'bob' },
      403,
      /not assigned/,
    ],
    ['an unknown presence', 'PUT', 'agents/alice/presence', { presence: 'sleeping' }, 400, /invalid/],
    [
      'an unknown agent',
      'PUT',
      'agents/zed/presence',
      { presence: 'available' },
      404,
      /agent zed does not exist/,
    ],
    ['an unknown queue', 'GET', 'queues/vip/conversations', undefined, 404, /unknown queue vip/],
    ['an unknown route', 'GET', 'nothing-here', undefined, 404, /no such route/],
    ['a wrong method', 'DELETE', 'local/inbound', undefined, 405, /not allowed/],
    [
      'a wrong method on the admin API',
      'PATCH',
      'manage/configuration',
      undefined,
      405,
      /PATCH is not allowed here/,
    ],
  ];

  it.each(cases)(
    '%s gets a clear %s and changes nothing',
    async (_name, method, rawPath, body, status, message) => {
      const path = rawPath.replace('CONVERSATION', `conversations/${conversationId}`);
      const before = await snapshot();
      const response = await t.api(method, path, body);
      expect(response.status).toBe(status);
      expect(response.body.error.message).toMatch(message);
      expect(response.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(response.text).not.toContain('Error:');
      await t.settle();
      expect(await snapshot()).toEqual(before);
    },
  );

  it('names the missing fields', async () => {
    const response = await t.api('POST', 'local/inbound', { from: CUSTOMER });
    expect(response.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['to', 'text']);
  });

  it('logs refusals without the numbers or texts that were sent', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('http.refused');
    expect(logs).not.toContain('4255550123');
    expect(logs).not.toContain('aaaaaaaaaa');
  });
});
