import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/**
 * Admin changes that would do harm are refused with a 400 or 409 naming the field or the work in
 * the way, and change nothing: the stored configuration, agents and conversations stay as they
 * were, and customers keep being served.
 */
describe('admin safety and input', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost();
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'hello' });
    await t.eventually(
      async () => (await t.api('GET', 'queues/general/conversations')).body.conversations?.length === 1,
      'a conversation under way',
    );
    await t.settle();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function snapshot() {
    const { store } = t.host.app.deps;
    return {
      configuration: await store.getConfiguration(),
      agents: await store.listAgents(),
      conversations: await store.findConversations({}),
    };
  }

  /** Sends a request that must be refused, and proves it changed nothing. */
  async function refused(method: string, path: string, body: unknown, status: number) {
    const before = await snapshot();
    const response = await t.api(method, path, body);
    expect(response.status).toBe(status);
    expect(response.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    await t.settle();
    expect(await snapshot()).toEqual(before);
    return response;
  }

  describe('replacing the whole configuration', () => {
    it.each([
      ['an empty body', ''],
      ['an empty object', {}],
    ])('refuses %s with a 400 naming channels and queues', async (_name, body) => {
      const response = await refused('PUT', 'manage/configuration', body, 400);
      expect(response.body.error.message).toBe(
        'the configuration needs channels and queues (a list each, even if empty); nothing changed',
      );
      expect(response.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['channels', 'queues']);
    });

    it('refuses to drop channels and queues with work under way, naming what would be stranded', async () => {
      const response = await refused('PUT', 'manage/configuration', { channels: [], queues: [] }, 409);
      expect(response.body.error.message).toMatch(
        /^the new configuration would strand work: channel support has conversations under way \([^)]+\); close them first; queue general has members \(alice, bob\); move them first$/,
      );
    });

    it('keeps serving the customer after the refusals', async () => {
      const response = await t.api('POST', 'local/inbound', {
        from: CUSTOMER,
        to: SUPPORT,
        text: 'still there?',
      });
      expect(response.status).toBe(202);
    });
  });
});
