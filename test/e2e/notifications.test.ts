import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const ALERTS = '+14255550199';

/** The notifications API for flows, over HTTP on the seed's outbound-only alerts channel. */
describe('notifications from a flow', () => {
  let t: TestHost;
  const notify = (body: unknown, key?: string) =>
    fetch(`${t.host.url}/api/notifications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sms-user': 'order-flow',
        'x-sms-roles': 'notifier',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
      // biome-ignore lint/suspicious/noExplicitAny: a JSON answer; the assertions that read it check its shape.
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
  const outboxFor = async (to: string) =>
    (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages as {
      from: string;
      text: string;
    }[];

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('queues one message per valid recipient, refuses the invalid ones, and sends from the channel number', async () => {
    const answer = await notify(
      {
        channelId: 'alerts',
        to: ['+14255550123', 'not-a-number', '+14255550124', '+1 425 555 0123'],
        text: 'Your parcel arrives today',
      },
      'flow-run-1',
    );
    expect(answer.status).toBe(202);
    expect(answer.body.recipients).toEqual([
      { to: '+14255550123', status: 'queued', messageId: expect.any(String) },
      {
        to: 'not-a-number',
        status: 'refused',
        reason: 'recipient must be in international form, starting with + and the country code',
      },
      { to: '+14255550124', status: 'queued', messageId: expect.any(String) },
    ]);
    await t.settle();
    expect(await outboxFor('+14255550123')).toEqual([
      expect.objectContaining({ from: ALERTS, text: 'Your parcel arrives today' }),
    ]);
    const status = await t.eventually(async () => {
      const { body } = await t.api('GET', `notifications/${answer.body.id}`);
      return body.recipients.every((r: { status: string }) => r.status !== 'queued') && body;
    }, 'the sends');
    expect(status.recipients.map((r: { status: string }) => r.status)).toEqual(['sent', 'refused', 'sent']);
    expect((await t.api('GET', 'queues/general/conversations')).body.conversations).toEqual([]);
  });

  it('sends once for a retried call with the same Idempotency-Key, and answers the same', async () => {
    const body = { channelId: 'alerts', to: '+14255550125', text: 'Payment received' };
    const first = await notify(body, 'flow-run-2');
    const again = await notify(body, 'flow-run-2');
    expect(again).toEqual(first);
    await t.settle();
    expect(await outboxFor('+14255550125')).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key for a different request', async () => {
    const answer = await notify(
      { channelId: 'alerts', to: '+14255550125', text: 'Something else' },
      'flow-run-2',
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toBe('this Idempotency-Key was already used for a different request');
  });

  it('refuses a recipient who opted out of the channel', async () => {
    await t.api('POST', 'local/inbound', { from: '+14255550126', to: '+14255550100', text: 'STOP' });
    await t.settle();
    const answer = await notify({ channelId: 'support', to: ['+14255550126'], text: 'Special offer!' });
    expect(answer.body.recipients).toEqual([
      { to: '+14255550126', status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    await t.settle();
    expect((await outboxFor('+14255550126')).map((m) => m.text)).not.toContain('Special offer!');
  });

  it.each([
    ['an unknown channel', { channelId: 'nope', to: '+14255550123', text: 'x' }, 404, /unknown channel nope/],
    ['no recipients', { channelId: 'alerts', to: [], text: 'x' }, 400, /invalid/],
    [
      '101 recipients',
      { channelId: 'alerts', to: Array.from({ length: 101 }, () => '+14255550123'), text: 'x' },
      400,
      /invalid/,
    ],
    ['1601 characters', { channelId: 'alerts', to: '+14255550123', text: 'a'.repeat(1601) }, 400, /invalid/],
    [
      'a bad send-at time',
      { channelId: 'alerts', to: '+14255550123', text: 'x', sendAt: 'tomorrow' },
      400,
      /invalid/,
    ],
  ])('refuses %s, sending nothing', async (_name, body, status, message) => {
    const before = (await t.api('GET', 'local/outbox')).body.messages.length;
    const answer = await notify(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
    await t.settle();
    expect((await t.api('GET', 'local/outbox')).body.messages.length).toBe(before);
  });

  describe('from a template', () => {
    beforeAll(async () => {
      await t.api('PUT', 'manage/templates/delivery', {
        name: 'Delivery',
        texts: { en: 'Parcel {parcel} arrives {day}.', fr: 'Le colis {parcel} arrive {day}.' },
      });
      await t.api('PUT', `manage/contacts/${encodeURIComponent('+14255550130')}`, {
        name: 'Jeanne',
        language: 'fr',
      });
    });

    it('fills it per recipient, in their language, and says which version was sent', async () => {
      const answer = await notify({
        channelId: 'alerts',
        to: ['+14255550130', '+14255550131'],
        templateId: 'delivery',
        values: { parcel: 'P-42', day: 'demain' },
      });
      expect(answer.status).toBe(202);
      expect(answer.body.recipients).toEqual([
        { to: '+14255550130', status: 'queued', messageId: expect.any(String), language: 'fr' },
        { to: '+14255550131', status: 'queued', messageId: expect.any(String), language: 'en' },
      ]);
      await t.eventually(async () => (await outboxFor('+14255550131')).length === 1, 'the sends');
      expect((await outboxFor('+14255550130'))[0]?.text).toBe('Le colis P-42 arrive demain.');
      expect((await outboxFor('+14255550131'))[0]?.text).toBe('Parcel P-42 arrives demain.');
    });

    it('sends in the language the request names, whatever the contact says', async () => {
      const answer = await notify({
        channelId: 'alerts',
        to: '+14255550130',
        templateId: 'delivery',
        values: { parcel: 'P-43', day: 'today' },
        language: 'en',
      });
      expect(answer.body.recipients[0].language).toBe('en');
    });

    it.each([
      [
        'a missing value',
        { templateId: 'delivery', values: { parcel: 'P-1' } },
        400,
        'template delivery needs values for day',
      ],
      ['an unknown template', { templateId: 'nope', values: {} }, 404, 'template nope does not exist'],
      [
        'both a text and a template',
        { text: 'Hi', templateId: 'delivery', values: { parcel: 'x', day: 'y' } },
        400,
        'give either text or templateId',
      ],
      ['neither a text nor a template', {}, 400, 'give either text or templateId'],
      [
        'a value that makes one text too long',
        { templateId: 'delivery', values: { parcel: 'x'.repeat(1590), day: 'y' } },
        400,
        'the limit is 1600',
      ],
    ])('refuses %s and sends nothing', async (_name, body, status, reason) => {
      const answer = await notify({ channelId: 'alerts', to: ['+14255550132', '+14255550133'], ...body });
      expect(answer.status).toBe(status);
      expect(JSON.stringify(answer.body.error)).toContain(reason);
      await t.settle();
      expect(await outboxFor('+14255550132')).toEqual([]);
    });
  });

  it('answers 404 for an unknown notification', async () => {
    expect((await t.api('GET', 'notifications/nope')).status).toBe(404);
  });
  // Last: held and scheduled messages keep the queue from draining.
  it('refuses a recipient in quiet hours when the flow asks, instead of holding the message', async () => {
    const channel = (await t.api('GET', 'manage/channels/alerts')).body.channel;
    const hour = new Date((await t.api('GET', 'local/clock')).body.now).getUTCHours();
    const window = hour < 12 ? { from: '12:00', to: '23:00' } : { from: '00:00', to: '11:00' };
    await t.api('PUT', 'manage/channels/alerts', {
      ...channel,
      notificationWindow: { ...window, defaultTimeZone: 'UTC' },
    });
    const refused = await notify({
      channelId: 'alerts',
      to: '+14255550134',
      text: 'Flash sale',
      quietHours: 'refuse',
    });
    expect(refused.body.recipients).toEqual([
      {
        to: '+14255550134',
        status: 'refused',
        reason: `quiet hours: the recipient's window is ${window.from}-${window.to}, their time`,
      },
    ]);
    const held = await notify({ channelId: 'alerts', to: '+14255550134', text: 'Flash sale' });
    expect(held.body.recipients[0]).toMatchObject({ status: 'queued', heldUntil: expect.any(String) });
    const { body } = await t.api('GET', `notifications/${refused.body.id}`);
    expect(body.recipients[0]).toMatchObject({
      status: 'refused',
      reason: expect.stringContaining('quiet hours'),
    });
    await t.api('PUT', 'manage/channels/alerts', channel);
  });

  it('holds a notification with a send-at time until then', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const answer = await notify({ channelId: 'alerts', to: '+14255550127', text: 'Reminder', sendAt: later });
    expect(answer.status).toBe(202);
    const { body } = await t.api('GET', `notifications/${answer.body.id}`);
    expect(body).toMatchObject({ sendAt: later, recipients: [{ to: '+14255550127', status: 'queued' }] });
    expect(await outboxFor('+14255550127')).toEqual([]);
  });
});
