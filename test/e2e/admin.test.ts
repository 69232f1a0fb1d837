import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const SALES = '+14255550150';

/**
 * The admin API over HTTP: channels, numbers, queues, agents, contacts, routing rules, hours,
 * holidays, automated messages, templates and keywords. Each change applies without a restart,
 * and bad input is refused with the reason and changes nothing.
 */
describe('administering the contact center', () => {
  let t: TestHost;
  const customer = (n: number) => `+142555501${String(n).padStart(2, '0')}`;
  const text = (from: string, to: string, body: string) =>
    t.api('POST', 'local/inbound', { from, to, text: body });
  const outbox = async (to: string) =>
    (
      (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages as { text: string }[]
    ).map((m) => m.text);
  const configurationEtag = async () => (await t.api('GET', 'manage/configuration')).body.configuration;

  beforeAll(async () => {
    // Distinct rates per number type, so the pace a number's type gives is visible.
    t = await startTestHost({ SMS_SEND_RATE_LONG_CODE: '500', SMS_SEND_RATE_TOLL_FREE: '700' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is for admins only', async () => {
    const agent = await t.api('GET', 'manage/channels', undefined, { user: 'alice' });
    expect(agent.status).toBe(403);
    expect((await t.api('GET', 'manage/channels', undefined, null)).status).toBe(401);
  });

  it('adds a queue and a channel that take customers at once, without a restart', async () => {
    expect((await t.api('PUT', 'manage/queues/sales', { name: 'Sales', distribution: 'push' })).status).toBe(
      200,
    );
    const created = await t.api('PUT', 'manage/channels/sales', {
      name: 'Sales line',
      numbers: ['+1 (425) 555-0150'],
      provider: 'local',
      defaultQueueId: 'sales',
      autoCloseMinutes: 60,
    });
    expect(created.status).toBe(200);
    expect(created.body.channel).toMatchObject({
      id: 'sales',
      numbers: [{ number: SALES }],
      direction: 'inbound-outbound',
    });
    await text(customer(30), SALES, 'I want to buy');
    const [waiting] = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/sales/conversations');
      return body.conversations?.length === 1 && body.conversations;
    }, 'a conversation in the new queue');
    expect(waiting).toMatchObject({ channelId: 'sales', customer: customer(30) });
  });

  it.each([
    ['a channel without numbers', { numbers: [] }, 400, 'numbers: a channel needs at least one number'],
    ['a number that is not E.164', { numbers: ['4255550151'] }, 400, 'must be in international form'],
    [
      'a number another channel has',
      { numbers: [SUPPORT] },
      400,
      `number ${SUPPORT} is on more than one channel`,
    ],
    ['an unknown provider', { provider: 'carrier-pigeon' }, 400, 'provider'],
    ['an unknown direction', { direction: 'inbound-only' }, 400, 'direction'],
    [
      'an auto-close limit out of bounds',
      { autoCloseMinutes: 2 },
      400,
      'must be between 5 and 10080 minutes',
    ],
    ['an unknown default queue', { defaultQueueId: 'nowhere' }, 400, 'unknown queue nowhere'],
    [
      'a provider this deployment has not configured',
      { provider: 'twilio' },
      409,
      'channel sales uses provider twilio, which is not configured (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and SMS_PUBLIC_BASE_URL, or give the channel its own twilio.accountSid and twilio.authTokenSecret)',
    ],
  ])('refuses %s, saying why, and changes nothing', async (_name, change, status, reason) => {
    const before = await configurationEtag();
    const response = await t.api('PUT', 'manage/channels/sales', {
      name: 'Sales line',
      numbers: [SALES],
      provider: 'local',
      defaultQueueId: 'sales',
      ...change,
    });
    expect(response.status).toBe(status);
    expect(JSON.stringify(response.body.error)).toContain(reason);
    expect(await configurationEtag()).toEqual(before);
  });

  it('adds and removes numbers, never the last one', async () => {
    const added = await t.api('POST', 'manage/channels/sales/numbers', { number: '+14255550151' });
    expect(added.body.channel.numbers).toEqual([{ number: SALES }, { number: '+14255550151' }]);
    const removed = await t.api(
      'DELETE',
      `manage/channels/sales/numbers/${encodeURIComponent('+14255550151')}`,
    );
    expect(removed.body.channel.numbers).toEqual([{ number: SALES }]);
    const last = await t.api('DELETE', `manage/channels/sales/numbers/${encodeURIComponent(SALES)}`);
    expect(last.status).toBe(400);
    expect(JSON.stringify(last.body.error)).toContain('a channel needs at least one number');
  });

  it("keeps each number's type and description, shows them with the pace they give, and refuses a type that contradicts the number", async () => {
    // A number saved without a type (as every number was before types) is paced as read from it.
    const before = await t.api('GET', 'manage/channels/sales/numbers');
    expect(before.body.numbers).toEqual([
      { number: SALES, type: 'long-code', typeInferred: true, description: null, sendRatePerSecond: 500 },
    ]);
    const added = await t.api('POST', 'manage/channels/sales/numbers', {
      number: '+14255550152',
      type: 'toll-free',
      description: '  Billing line, verified toll-free ',
    });
    expect(added.status).toBe(200);
    expect(added.body.channel.numbers[1]).toEqual({
      number: '+14255550152',
      type: 'toll-free',
      description: 'Billing line, verified toll-free',
    });
    const listed = await t.api('GET', 'manage/channels/sales/numbers');
    expect(listed.body.numbers[1]).toEqual({
      number: '+14255550152',
      type: 'toll-free',
      typeInferred: false,
      description: 'Billing line, verified toll-free',
      sendRatePerSecond: 700,
    });
    const address = `manage/channels/sales/numbers/${encodeURIComponent('+14255550152')}`;
    const etag = await configurationEtag();
    for (const [body, reason] of [
      [{ type: 'short-code' }, 'a short code is 5 or 6 digits'],
      [{ type: 'premium' }, 'type'],
      [{ description: 'x'.repeat(201) }, 'description'],
      [{ number: '+14255550153' }, 'number'],
    ] as const) {
      const refused = await t.api('PUT', address, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(refused.body.error)).toContain(reason);
    }
    expect(await configurationEtag()).toEqual(etag);
    const described = await t.api('PUT', address, { description: 'Billing line' });
    expect(described.body.number).toEqual({
      number: '+14255550152',
      type: 'long-code',
      typeInferred: true,
      description: 'Billing line',
      sendRatePerSecond: 500,
    });
    const unknown = await t.api(
      'PUT',
      `manage/channels/sales/numbers/${encodeURIComponent('+14255550159')}`,
      {},
    );
    expect(unknown.status).toBe(404);
    expect((await t.api('DELETE', address)).status).toBe(200);
  });

  it('routes new conversations by the rules it is given', async () => {
    await t.api('PUT', 'manage/queues/billing', { name: 'Billing' });
    const rules = await t.api('PUT', 'manage/channels/sales/routing', [
      { when: { keywords: ['invoice'] }, queueId: 'billing' },
    ]);
    expect(rules.status).toBe(200);
    await text(customer(31), SALES, 'About my invoice');
    await t.eventually(
      async () => (await t.api('GET', 'queues/billing/conversations')).body.conversations?.length === 1,
      'billing',
    );
    const bad = await t.api('PUT', 'manage/channels/sales/routing', [
      { when: { pattern: '(' }, queueId: 'billing' },
    ]);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('not a valid regular expression');
  });

  it('closes a channel by its hours and holidays, and reopens it', async () => {
    const closed = {
      timeZone: 'Europe/Paris',
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    };
    expect((await t.api('PUT', 'manage/channels/sales/hours', closed)).status).toBe(200);
    await text(customer(32), SALES, 'Anyone there?');
    await t.eventually(
      async () => (await outbox(customer(32)))[0]?.startsWith('Sales line is closed now.'),
      'closed answer',
    );
    const holidays = await t.api('PUT', 'manage/channels/sales/holidays', [
      { date: '2026-12-25', name: 'Noël' },
    ]);
    expect(holidays.body.holidays).toEqual([{ date: '2026-12-25', name: 'Noël' }]);
    const open = await t.api('DELETE', 'manage/channels/sales/hours');
    expect(open.body.hours).toBeNull();
    const orphan = await t.api('PUT', 'manage/channels/sales/holidays', [
      { date: '2026-12-26', name: 'Boxing Day' },
    ]);
    expect(orphan.status).toBe(400);
  });

  it('greets in the customer language once a contact says which', async () => {
    const greeting = await t.api('PUT', 'manage/channels/sales/automated-messages/greeting', {
      enabled: true,
      text: { en: 'Welcome, {customerName}!', fr: 'Bienvenue, {customerName} !' },
    });
    expect(greeting.status).toBe(200);
    const contact = await t.api('PUT', `manage/contacts/${encodeURIComponent(customer(33))}`, {
      name: 'Amélie',
      language: 'fr',
      attributes: { tier: 'gold' },
    });
    expect(contact.body.contact).toMatchObject({ number: customer(33), name: 'Amélie', language: 'fr' });
    await text(customer(33), SALES, 'Bonjour');
    await t.eventually(
      async () => (await outbox(customer(33))).includes('Bienvenue, Amélie !'),
      'the French greeting',
    );
    const typo = await t.api('PUT', 'manage/channels/sales/automated-messages/greeting', {
      enabled: true,
      text: 'Hi {name}',
    });
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body.error)).toContain('uses {name}; the greeting message may use');
    const messages = await t.api('GET', 'manage/channels/sales/automated-messages');
    expect(messages.body.automatedMessages.greeting.enabled).toBe(true);
  });

  it('lets a channel have its own consent keywords', async () => {
    const keywords = await t.api('PUT', 'manage/channels/sales/keywords', {
      optOut: ['ARRET', 'STOP'],
      optOutReply: 'Vous ne recevrez plus rien.',
    });
    expect(keywords.body.keywords.optOut).toEqual(['ARRET', 'STOP']);
    await text(customer(34), SALES, ' arret ');
    await t.eventually(
      async () => (await outbox(customer(34))).includes('Vous ne recevrez plus rien.'),
      'the opt-out reply',
    );
  });

  it('keeps contacts by number, a page at a time', async () => {
    await t.api('PUT', `manage/contacts/${encodeURIComponent(customer(35))}`, { name: 'Bo' });
    const page = await t.api('GET', 'manage/contacts?limit=1');
    expect(page.body.contacts).toHaveLength(1);
    const rest = await t.api('GET', `manage/contacts?after=${encodeURIComponent(page.body.next)}&limit=10`);
    expect(rest.body.contacts.map((c: { number: string }) => c.number)).toEqual([customer(35)]);
    expect((await t.api('PUT', 'manage/contacts/not-a-number', { name: 'X' })).status).toBe(400);
    expect((await t.api('DELETE', `manage/contacts/${encodeURIComponent(customer(35))}`)).status).toBe(204);
    expect((await t.api('GET', `manage/contacts/${encodeURIComponent(customer(35))}`)).status).toBe(404);
  });

  it('creates an agent who can sign in at once, and keeps one holding conversations', async () => {
    const carol = await t.api('PUT', 'manage/agents/carol', {
      name: 'Carol',
      capacity: 3,
      queueIds: ['sales'],
      userId: 'carol@contoso.com',
    });
    expect(carol.body.agent).toMatchObject({ id: 'carol', presence: 'offline', assignments: [] });
    expect(
      (await t.api('PUT', 'agents/carol/presence', { presence: 'available' }, { user: 'carol@contoso.com' }))
        .status,
    ).toBe(200);
    await t.eventually(
      async () => (await t.api('GET', 'manage/agents/carol')).body.agent.assignments.length > 0,
      'work for carol',
    );
    const held = await t.api('DELETE', 'manage/agents/carol');
    expect(held.status).toBe(409);
    expect(held.body.error.message).toMatch(
      /^agent carol holds \d conversation\(s\); transfer or close them first$/,
    );
    const unknownQueue = await t.api('PUT', 'manage/agents/dave', {
      name: 'Dave',
      capacity: 1,
      queueIds: ['nowhere'],
    });
    expect(unknownQueue.status).toBe(400);
    // A body valid in every way but its id, so the 400 can only be for the id.
    const otherId = await t.api('PUT', 'manage/agents/dave', {
      id: 'carol',
      name: 'Dave',
      capacity: 1,
      queueIds: ['general'],
    });
    expect(otherId.status).toBe(400);
    expect(otherId.body.error.message).toBe("the body's id carol is not the agent id dave in the address");
    expect((await t.api('GET', 'manage/agents/dave')).status).toBe(404);
    const queues = await t.api('GET', 'manage/queues');
    expect(queues.body.queues.find((q: { id: string }) => q.id === 'sales').members).toEqual(['carol']);
  });

  it('keeps a queue that is in use, saying what uses it', async () => {
    const used = await t.api('DELETE', 'manage/queues/sales');
    expect(used.status).toBe(409);
    expect(used.body.error.message).toBe('queue sales has members (carol); move them first');
    await t.api('PUT', 'manage/queues/spare', { name: 'Spare' });
    expect((await t.api('DELETE', 'manage/queues/spare')).status).toBe(204);
  });

  it('versions templates and keeps each version', async () => {
    const first = await t.api('PUT', 'manage/templates/shipped', {
      name: 'Shipped',
      texts: 'Your order {order} is on its way.',
    });
    expect(first.body.template.versions).toHaveLength(1);
    const second = await t.api('PUT', 'manage/templates/shipped', {
      name: 'Shipped',
      texts: { en: 'Order {order} shipped.', fr: 'Commande {order} expédiée.' },
    });
    expect(second.body.template.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(second.body.template.versions[1]).toMatchObject({ variables: ['order'], createdBy: 'admin' });
    const list = await t.api('GET', 'manage/templates');
    expect(list.body.templates).toEqual([
      { id: 'shipped', current: expect.objectContaining({ version: 2 }) },
    ]);
    expect((await t.api('PUT', 'manage/templates/Bad Id', { name: 'x', texts: 'x' })).status).toBe(400);
  });

  it('replaces the whole configuration only if it is the one read (If-Match)', async () => {
    const read = await t.api('GET', 'manage/configuration');
    const etag =
      read.body.configuration &&
      (
        await fetch(`${t.host.url}/api/manage/configuration`, {
          headers: { 'x-sms-user': 'admin', 'x-sms-roles': 'admin' },
        })
      ).headers.get('etag');
    const stale = await fetch(`${t.host.url}/api/manage/configuration`, {
      method: 'PUT',
      headers: {
        'x-sms-user': 'admin',
        'x-sms-roles': 'admin',
        'if-match': '"stale"',
        'content-type': 'application/json',
      },
      body: JSON.stringify(read.body.configuration),
    });
    expect(stale.status).toBe(412);
    const fresh = await fetch(`${t.host.url}/api/manage/configuration`, {
      method: 'PUT',
      headers: {
        'x-sms-user': 'admin',
        'x-sms-roles': 'admin',
        'if-match': etag ?? '',
        'content-type': 'application/json',
      },
      body: JSON.stringify(read.body.configuration),
    });
    expect(fresh.status).toBe(200);
  });

  it('keeps a channel with conversations under way', async () => {
    const busy = await t.api('DELETE', 'manage/channels/sales');
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/^channel sales has conversations under way/);
  });
});
