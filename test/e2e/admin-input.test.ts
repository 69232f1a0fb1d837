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

  describe('what GET answers, PUT takes', () => {
    it('takes the routing rules and holidays as GET answers them, and still the bare list', async () => {
      const bare = await t.api('PUT', 'manage/channels/support/routing', [
        { when: { keywords: ['invoice'] }, queueId: 'general' },
      ]);
      expect(bare.status).toBe(200);
      const wrapped = await t.api('PUT', 'manage/channels/support/routing', bare.body);
      expect(wrapped.status).toBe(200);
      expect(wrapped.body).toEqual(bare.body);
      expect(wrapped.body.routing).toEqual([
        { when: { keywords: ['invoice'] }, queueId: 'general', skills: [] },
      ]);

      const hours = {
        timeZone: 'Europe/Paris',
        weekly: { mon: [{ from: '00:00', to: '24:00' }] },
      };
      expect((await t.api('PUT', 'manage/channels/support/hours', { hours })).status).toBe(200);
      const holidays = await t.api('PUT', 'manage/channels/support/holidays', {
        holidays: [{ date: '2026-12-25', name: 'Christmas' }],
      });
      expect(holidays.status).toBe(200);
      const read = await t.api('GET', 'manage/channels/support/holidays');
      expect(read.body).toEqual({ holidays: [{ date: '2026-12-25', name: 'Christmas' }] });
      expect((await t.api('PUT', 'manage/channels/support/holidays', read.body)).body).toEqual(read.body);
      expect((await t.api('GET', 'manage/channels/support/hours')).body.hours.weekly.mon).toEqual([
        { from: '00:00', to: '24:00' },
      ]);
      await t.api('DELETE', 'manage/channels/support/hours');
      await t.api('PUT', 'manage/channels/support/routing', { routing: [] });
      expect((await t.api('GET', 'manage/channels/support/routing')).body).toEqual({ routing: [] });
    });

    it.each([
      ['manage/configuration', 'configuration'],
      ['manage/channels/support', 'channel'],
      ['manage/queues/general', 'queue'],
      ['manage/agents/alice', 'agent'],
      ['manage/channels/support/keywords', 'keywords'],
    ])('takes back what GET %s answered, changing nothing', async (path, key) => {
      const read = await t.api('GET', path);
      expect(Object.keys(read.body)).toEqual([key]);
      const before = await snapshot();
      const written = await t.api('PUT', path, read.body);
      expect(written.status).toBe(200);
      expect((await t.api('GET', path)).body).toEqual(read.body);
      const after = await snapshot();
      expect(after.configuration?.value).toEqual(before.configuration?.value);
      expect(after.agents.map((a) => a.value)).toEqual(before.agents.map((a) => a.value));
    });

    it('takes back a contact and an automated message as they were answered', async () => {
      const number = encodeURIComponent('+14255550124');
      const saved = await t.api('PUT', `manage/contacts/${number}`, { name: 'Ana', language: 'pt-BR' });
      const again = await t.api('PUT', `manage/contacts/${number}`, saved.body);
      expect(again.status).toBe(200);
      expect(again.body.contact).toMatchObject({ name: 'Ana', language: 'pt-BR' });
      const greeting = await t.api('PUT', 'manage/channels/support/automated-messages/greeting', {
        enabled: false,
        text: 'Welcome to {channelName}',
      });
      const back = await t.api('PUT', 'manage/channels/support/automated-messages/greeting', greeting.body);
      expect(back.body).toEqual({ greeting: { enabled: false, text: 'Welcome to {channelName}' } });
    });

    it('shows the keyword replies customers get, and keeps the defaults following the channel', async () => {
      const read = await t.api('GET', 'manage/channels/support/keywords');
      expect(read.body.keywords).toMatchObject({
        optOutReply:
          'You are unsubscribed from Customer support and will get no more messages. Reply START to resubscribe.',
        optInReply: 'You are subscribed to Customer support again. Reply STOP to unsubscribe, HELP for help.',
        helpReply: 'Customer support: reply to this message to reach us. Reply STOP to unsubscribe.',
      });
      await t.api('PUT', 'manage/channels/support/keywords', {
        keywords: { ...read.body.keywords, helpReply: 'Call us on 0800 123 456.' },
      });
      const stored = (await t.host.app.deps.store.getConfiguration())?.value.channels.find(
        (c) => c.id === 'support',
      );
      expect(stored?.consent).not.toHaveProperty('optOutReply');
      expect(stored?.consent.helpReply).toBe('Call us on 0800 123 456.');
    });
  });

  describe('routing patterns', () => {
    it('routes past a pattern that would make a backtracking engine hang', async () => {
      const saved = await t.api('PUT', 'manage/channels/support/routing', [
        { when: { pattern: '^(a+)+$' }, queueId: 'general', skills: ['aaa'] },
      ]);
      expect(saved.status).toBe(200);
      const skillsOf = async (customer: string, text: string) => {
        await t.api('POST', 'local/inbound', { from: customer, to: SUPPORT, text });
        const waiting = await t.eventually(async () => {
          const { body } = await t.api('GET', 'queues/general/conversations');
          return body.conversations?.find((c: { customer: string }) => c.customer === customer);
        }, 'the conversation routed');
        return (await t.host.app.deps.store.getConversation(waiting.id))?.value.requiredSkills ?? [];
      };
      expect(await skillsOf('+14255550125', `${'a'.repeat(1599)}!`)).toEqual([]);
      expect(await skillsOf('+14255550126', 'a'.repeat(1600))).toEqual(['aaa']);
      await t.api('PUT', 'manage/channels/support/routing', []);
    });

    it('refuses a pattern the linear-time engine cannot run, naming the rule and why', async () => {
      const response = await refused(
        'PUT',
        'manage/channels/support/routing',
        [
          { when: { keywords: ['refund'] }, queueId: 'general' },
          { when: { pattern: '(\\w+)\\1' }, queueId: 'general' },
        ],
        400,
      );
      expect(response.body.error.issues).toEqual([
        {
          path: '1.when.pattern',
          message:
            'not a valid regular expression: a backreference (\\1) needs backtracking, which the linear-time engine does not do',
        },
      ]);
    });
  });

  describe('names, texts and languages', () => {
    const support = async () => (await t.api('GET', 'manage/channels/support')).body.channel;

    it.each([
      [
        'a channel name of zero-width spaces',
        { name: '\u200b\u200b' },
        'name',
        /must contain something visible/,
      ],
      ['a channel name of blanks', { name: '   ' }, 'name', /must contain something visible/],
      ['a channel name with a line break', { name: 'Support\nline' }, 'name', /control characters/],
      ['a channel name of 101 characters', { name: 'a'.repeat(101) }, 'name', /the limit is 100/],
      ['a channel language that is a path', { language: '../../etc/passwd' }, 'language', /BCP 47/],
      ['a channel language of 2,000 characters', { language: 'e'.repeat(2000) }, 'language', /at most 35/],
    ])('refuses %s with a 400 naming the field, changing nothing', async (_name, change, field, reason) => {
      const response = await refused(
        'PUT',
        'manage/channels/support',
        { ...(await support()), ...change },
        400,
      );
      expect(response.body.error.issues).toEqual([{ path: field, message: expect.stringMatching(reason) }]);
    });

    it.each([
      ['a queue name of control characters', 'manage/queues/general', { name: '\u0000\u0007' }, 'name'],
      [
        'an agent name of a Hangul filler',
        'manage/agents/alice',
        { name: '\u3164', capacity: 2, queueIds: ['general'] },
        'name',
      ],
      [
        'a contact language that is a path',
        `manage/contacts/${encodeURIComponent('+14255550127')}`,
        { name: 'Zoé', language: '../x' },
        'language',
      ],
      [
        'a keyword reply of zero-width joiners',
        'manage/channels/support/keywords',
        { helpReply: '\u200d\u200d' },
        'helpReply',
      ],
      [
        'an automated message of invisible characters',
        'manage/channels/support/automated-messages/greeting',
        { enabled: true, text: { fr: '\u2060\u200b' } },
        'text.fr',
      ],
    ])('refuses %s, naming the field', async (_name, path, body, field) => {
      const response = await refused('PUT', path, body, 400);
      expect(response.body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
      expect(JSON.stringify(response.body.error)).toMatch(/visible|BCP 47|control/);
    });

    it('refuses an agent reply, a notification and a started conversation of only invisible characters', async () => {
      await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
      const [mine] = await t.eventually(async () => {
        const { body } = await t.api('GET', 'agents/alice/conversations');
        return body.conversations?.length > 0 && body.conversations;
      }, 'a conversation for alice');
      await t.settle();
      const outboxBefore = (await t.api('GET', 'local/outbox')).body.messages;
      const reply = await refused(
        'POST',
        `conversations/${mine.id}/messages`,
        { agentId: 'alice', text: '\u200b \u200b' },
        400,
      );
      expect(reply.body.error.message).toBe(
        'text must contain something visible (not only blanks, zero-width or control characters)',
      );
      const notification = await refused(
        'POST',
        'notifications',
        { channelId: 'alerts', to: '+14255550128', text: '\ufeff\u200e' },
        400,
      );
      expect(notification.body.error.issues[0].path).toBe('text');
      const started = await refused(
        'POST',
        'conversations',
        { agentId: 'alice', channelId: 'support', to: '+14255550129', text: '\u2800' },
        400,
      );
      expect(started.body.error.message).toMatch(/^text must contain something visible/);
      expect((await t.api('GET', 'local/outbox')).body.messages).toEqual(outboxBefore);
    });
  });
});
